/**
 * The surface lab: race optimizers on a loss surface, live. Settings on the left (built from the
 * registries), the map and the playback controls in the middle, the update rule, the lesson and
 * the charts beside and below. Presentation mode keeps only the map, the charts and the controls.
 */
import { OBJECTIVES, OBJECTIVE_NAMES, type ObjectiveName } from '../../engine/objectives/registry';
import { SURFACE_LIMITS } from '../../engine/spec/schema';
import { useAppStore } from '../../store/store';
import { NumberControl } from '../controls/HyperControl';
import { CloudStats } from './CloudStats';
import { LessonGallery, LessonText } from './LessonGallery';
import { PlaybackBar } from './PlaybackBar';
import { RaceCharts } from './RaceCharts';
import { RunCard } from './RunCard';
import { SharePanel } from './SharePanel';
import { SurfaceMap } from './SurfaceMap';
import { UpdateRule } from './UpdateRule';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import {
  surfaceCloudSet,
  surfaceObjectiveParamSet,
  surfaceObjectiveSet,
  surfaceRunAdd,
  surfaceSeedSet,
  surfaceStepsSet,
} from '../../store/surfaceEdits';

const SEED_META = {
  key: 'seed',
  label: 'seed',
  description: 'seeds the gradient noise and the cloud: same seed, same numbers',
  min: 0,
  max: 2 ** 32 - 1,
  scale: 'linear' as const,
  integer: true,
};
const STEPS_META = {
  key: 'steps',
  label: 'steps',
  description: 'optimizer steps per run',
  min: 1,
  max: SURFACE_LIMITS.maxSteps,
  scale: 'log' as const,
  integer: true,
};
const COUNT_META = {
  key: 'count',
  label: 'cloud starts',
  description: 'random start points per run in the particle cloud',
  min: 1,
  max: SURFACE_LIMITS.maxParticles,
  scale: 'log' as const,
  integer: true,
};
const EPS_META = {
  key: 'epsilon',
  label: 'ε (reached)',
  description: 'a particle has reached a minimum once it is this close',
  min: 1e-4,
  max: 10,
  scale: 'log' as const,
};

function Settings() {
  const spec = useAppStore((s) => s.specs.surface);
  const objective = OBJECTIVES[spec.objective.name];
  const locked = spec.view.lock;
  return (
    <aside className="panel" aria-label="experiment settings">
      <fieldset className="controls" disabled={locked}>
        <legend className="sr-only">experiment</legend>
        <div className="control">
          <label htmlFor="objective">function</label>
          <select
            id="objective"
            className="wide"
            value={spec.objective.name}
            onChange={(e) => surfaceObjectiveSet(e.target.value as ObjectiveName)}
          >
            {OBJECTIVE_NAMES.map((n) => (
              <option key={n} value={n}>
                {OBJECTIVES[n].label}
              </option>
            ))}
          </select>
        </div>
        <p className="muted small formula" title={objective.formula}>
          {objective.description}
        </p>
        {objective.params.map((p) => (
          <NumberControl
            key={p.key}
            meta={p}
            value={spec.objective[p.key]}
            onChange={(v) => surfaceObjectiveParamSet(p.key, v)}
          />
        ))}
        <p className="small" data-testid="start-point">
          start ({spec.start.map((v) => Number(v.toPrecision(4))).join(', ')})
          {locked ? '' : ' — click or drag on the map to move it'}
        </p>
        <NumberControl meta={STEPS_META} value={spec.steps} onChange={(v) => surfaceStepsSet(v)} testId="steps" />
        <NumberControl meta={SEED_META} value={spec.seed} onChange={(v) => surfaceSeedSet(v)} testId="seed" />
        {spec.view.mode !== 'race' && (
          <>
            <NumberControl
              meta={COUNT_META}
              value={spec.cloud.count}
              onChange={(v) => surfaceCloudSet('count', v)}
              testId="cloud-count"
            />
            <NumberControl meta={EPS_META} value={spec.cloud.epsilon} onChange={(v) => surfaceCloudSet('epsilon', v)} />
          </>
        )}
      </fieldset>
      {spec.runs.map((run, i) => (
        <RunCard key={i} index={i} run={run} canRemove={spec.runs.length > 1} />
      ))}
      {spec.runs.length < SURFACE_LIMITS.maxRuns && !locked && (
        <button type="button" onClick={() => surfaceRunAdd()} data-testid="add-run">
          + add a run
        </button>
      )}
    </aside>
  );
}

export function SurfacePage() {
  useKeyboardShortcuts();
  const view = useAppStore((s) => s.specs.surface.view);
  const raceError = useAppStore((s) => s.raceError);
  const computedOn = useAppStore((s) => s.computedOn);
  const hide = new Set(view.hide);
  const presenting = view.presentation;
  return (
    <main
      className={`surface-page${presenting ? ' presenting' : ''}${hide.has('settings') || presenting ? ' no-settings' : ''}`}
    >
      {!presenting && <LessonGallery />}
      {!hide.has('settings') && !presenting && <Settings />}
      <section className="stage" aria-label="surface">
        <PlaybackBar />
        {raceError && (
          <p role="alert" className="banner error">
            {raceError}
          </p>
        )}
        <div className="stage-row">
          <SurfaceMap />
          <div className="side">
            <LessonText />
            <CloudStats />
            {!presenting && view.mode === 'race' && <UpdateRule />}
            {!presenting && <SharePanel />}
            {computedOn && (
              <p className="muted small">
                Computed on <strong data-testid="result-backend">{computedOn}</strong>
              </p>
            )}
          </div>
        </div>
        {!hide.has('charts') && view.mode === 'race' && <RaceCharts />}
      </section>
    </main>
  );
}
