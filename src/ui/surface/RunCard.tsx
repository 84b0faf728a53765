/** One run of the race: optimizer, its hyperparameters (from the registry), schedule, noise and status. */
import { OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName } from '../../engine/optimizers/registry';
import type { SurfaceRunSpec } from '../../engine/spec/schema';
import { useAppStore } from '../../store/store';
import { NumberControl } from '../controls/HyperControl';
import { OptimizerFields } from '../controls/OptimizerFields';
import { runLabel } from './runLabel';
import { runHyperSet, runOptimizerSet, runScheduleParamSet, runScheduleSet } from '../../store/runEdits';
import { surfaceRunEdit, surfaceRunRemove } from '../../store/surfaceEdits';

const NOISE_META = {
  key: 'noise',
  label: 'gradient noise σ',
  description: 'seeded Gaussian noise added to each gradient component',
  min: 0,
  max: 10,
  scale: 'linear' as const,
};

function RunStatus({ index }: { index: number }) {
  const r = useAppStore((s) => s.race[index]);
  if (!r || (!r.done && r.status === 'running'))
    return (
      <span className="badge" data-testid={`run-status-${index}`}>
        computing…
      </span>
    );
  if (r.status === 'diverged') {
    return (
      <span className="badge diverged" data-testid={`run-status-${index}`} title={r.reason}>
        diverged at step {r.divergedAt}
      </span>
    );
  }
  return (
    <span className="badge ok" data-testid={`run-status-${index}`}>
      {r.status}
    </span>
  );
}

/** The run's playhead and the loss there; re-renders only when they change. */
function RunReadout({ index }: { index: number }) {
  const step = useAppStore((s) => Math.min(s.heads[index] ?? 0, Math.max(0, (s.race[index]?.path.length ?? 1) - 1)));
  const loss = useAppStore(
    (s) => s.race[index]?.loss[Math.min(s.heads[index] ?? 0, (s.race[index]?.loss.length ?? 1) - 1)],
  );
  // closure-based optimizers (L-BFGS): how often the steps so far evaluated f
  const evaluations = useAppStore((s) => s.race[index]?.evaluations?.slice(0, step).reduce((a, b) => a + b, 0));
  return (
    <span className="readout small">
      step <span data-testid={`run-step-${index}`}>{step}</span> · f ={' '}
      <span data-testid={`run-loss-${index}`}>{loss === undefined ? '…' : loss.toPrecision(5)}</span>
      {evaluations !== undefined && (
        <span title="function evaluations so far: each L-BFGS step may evaluate f several times">
          {' '}
          · <span data-testid={`run-evaluations-${index}`}>{evaluations}</span> evaluations
        </span>
      )}
    </span>
  );
}

export function RunCard({ index, run, canRemove }: { index: number; run: SurfaceRunSpec; canRemove: boolean }) {
  const a = useAppStore.getState();
  const selected = useAppStore((s) => s.selectedRun === index);
  const hideNames = useAppStore((s) => s.specs.surface.view.hide.includes('names'));
  const locked = useAppStore((s) => s.specs.surface.view.lock);
  return (
    <section
      className={`run-card${selected ? ' selected' : ''}`}
      style={{ borderLeftColor: run.color ?? '#64748b' }}
      aria-label={`run ${index + 1}`}
      data-testid={`run-card-${index}`}
      onClick={() => a.selectedRunSet(index)}
    >
      <header>
        {hideNames ? (
          <strong>{runLabel(run, index, true)}</strong>
        ) : (
          <select
            aria-label={`run ${index + 1} optimizer`}
            value={run.optimizer.name}
            disabled={locked}
            onChange={(e) => surfaceRunEdit(index, (r) => runOptimizerSet(r, e.target.value as OptimizerName))}
          >
            {OPTIMIZER_NAMES.map((n) => (
              <option key={n} value={n}>
                {OPTIMIZERS[n].label}
              </option>
            ))}
          </select>
        )}
        <RunStatus index={index} />
        <RunReadout index={index} />
        {canRemove && !locked && (
          <button
            type="button"
            className="icon"
            aria-label={`remove run ${index + 1}`}
            onClick={() => surfaceRunRemove(index)}
          >
            ×
          </button>
        )}
      </header>
      {!hideNames && (
        <fieldset className="controls" disabled={locked}>
          <legend className="sr-only">run {index + 1} settings</legend>
          <OptimizerFields
            idPrefix={`run-${index}`}
            optimizer={run.optimizer}
            schedule={run.schedule}
            onHyper={(key, v) => surfaceRunEdit(index, (r) => runHyperSet(r, key, v))}
            onSchedule={(name) => surfaceRunEdit(index, (r) => runScheduleSet(r, name))}
            onScheduleParam={(key, v) => surfaceRunEdit(index, (r) => runScheduleParamSet(r, key, v))}
          />
          <NumberControl
            meta={NOISE_META}
            value={run.noise}
            onChange={(v) => surfaceRunEdit(index, (r) => ({ ...r, noise: v }))}
            testId={`run-${index}-noise`}
          />
        </fieldset>
      )}
    </section>
  );
}
