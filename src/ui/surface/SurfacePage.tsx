/** The surface experiment: pick a function and optimizers, run them, compare the curves, share it. */
import { useState } from 'react';
import { OBJECTIVES, OBJECTIVE_NAMES, type ObjectiveName } from '../../engine/objectives/registry';
import { linkUrl } from '../../engine/spec/link';
import { useAppStore, selectResult, selectSpec } from '../../store/store';
import { engineRunSurface } from '../../worker/client';
import { NumberControl } from '../controls/HyperControl';
import { RunCard } from './RunCard';
import { SurfaceCharts } from './SurfaceCharts';
import { runLabel } from './runLabel';

const SEED_META = { key: 'seed', label: 'seed', description: 'seeds the gradient noise: same seed, same numbers', min: 0, max: 2 ** 32 - 1, scale: 'linear' as const, integer: true };
const STEPS_META = { key: 'steps', label: 'steps', description: 'optimizer steps per run', min: 1, max: 10000, scale: 'log' as const, integer: true };

export async function surfaceRunCurrent(): Promise<void> {
  const s = useAppStore.getState();
  if (s.runState === 'running') return;
  s.runStarted();
  window.history.replaceState(null, '', linkUrl(window.location.href, s.spec));
  try {
    const result = await engineRunSurface(s.spec, (steps) => useAppStore.getState().runProgress(steps));
    useAppStore.getState().runFinished(result);
  } catch (err) {
    useAppStore.getState().runFailed(`The run failed on the ${s.backend?.active ?? 'current'} backend: ${(err as Error).message}`);
  }
}

export function SurfacePage() {
  const spec = useAppStore(selectSpec);
  const result = useAppStore(selectResult);
  const runState = useAppStore((s) => s.runState);
  const progress = useAppStore((s) => s.progress);
  const runError = useAppStore((s) => s.runError);
  const [copied, setCopied] = useState<string | null>(null);
  const objective = OBJECTIVES[spec.objective.name];
  const a = useAppStore.getState();

  const share = async () => {
    const url = linkUrl(window.location.href, spec);
    window.history.replaceState(null, '', url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied to the clipboard.');
    } catch {
      setCopied('Copy the link from the address bar (the clipboard is not available here).');
    }
  };

  return (
    <main className="surface-page">
      <aside className="panel" aria-label="experiment settings">
        <div className="control">
          <label htmlFor="objective">function</label>
          <select id="objective" value={spec.objective.name} onChange={(e) => a.objectiveSet(e.target.value as ObjectiveName)}>
            {OBJECTIVE_NAMES.map((n) => (
              <option key={n} value={n}>{OBJECTIVES[n].label}</option>
            ))}
          </select>
        </div>
        <p className="muted small">{objective.description} Start ({spec.start.join(', ')}).</p>
        {objective.params.map((p) => (
          <NumberControl key={p.key} meta={p} value={spec.objective[p.key]} onChange={(v) => a.objectiveParamSet(p.key, v)} />
        ))}
        <NumberControl meta={STEPS_META} value={spec.steps} onChange={(v) => a.stepsSet(v)} testId="steps" />
        <NumberControl meta={SEED_META} value={spec.seed} onChange={(v) => a.seedSet(v)} testId="seed" />
        {spec.runs.map((run, i) => (
          <RunCard key={i} index={i} run={run} canRemove={spec.runs.length > 1} />
        ))}
        {spec.runs.length < 8 && (
          <button type="button" onClick={() => a.runAdd()}>+ add a run</button>
        )}
      </aside>
      <section className="results" aria-label="results">
        <div className="toolbar">
          <button type="button" className="primary" data-testid="run-button" onClick={() => void surfaceRunCurrent()} disabled={runState === 'running'}>
            {runState === 'running' ? `Running… step ${progress} of ${spec.steps}` : 'Run'}
          </button>
          <button type="button" onClick={() => void share()} data-testid="share-button">Share link</button>
          {copied && <span className="muted small" role="status">{copied}</span>}
        </div>
        {runError && <p role="alert" className="banner error">{runError}</p>}
        {result && runState !== 'running' && (
          <>
            <p className="muted small">
              Computed on <strong data-testid="result-backend">{result.backend}</strong>: {spec.steps} steps of {objective.label} from ({spec.start.join(', ')}).
            </p>
            <table className="summary" data-testid="summary">
              <thead>
                <tr><th>run</th><th>start loss</th><th>final loss</th><th>final point</th><th>status</th></tr>
              </thead>
              <tbody>
                {result.runs.map((r, i) => (
                  <tr key={i} data-testid={`summary-row-${i}`}>
                    <td><span className="swatch" style={{ background: spec.runs[i]?.color ?? '#64748b' }} />{runLabel(spec.runs[i], i)}</td>
                    <td data-testid={`loss-first-${i}`}>{r.loss[0]?.toPrecision(5)}</td>
                    <td data-testid={`loss-last-${i}`}>{r.loss[r.loss.length - 1]?.toPrecision(5)}</td>
                    <td>({r.path[r.path.length - 1]?.map((v) => v.toFixed(4)).join(', ')})</td>
                    <td>
                      {r.status === 'ok' ? (
                        <span className="badge ok">ok</span>
                      ) : (
                        <span className="badge diverged" title={r.reason}>diverged at step {r.divergedAt}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <SurfaceCharts spec={spec} result={result} />
          </>
        )}
        {!result && runState !== 'running' && <p className="muted">Press Run to race the optimizers on {objective.label}.</p>}
      </section>
    </main>
  );
}
