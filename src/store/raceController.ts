/**
 * Turns edits of the spec into engine jobs: a change to one run restarts only that run (its old
 * trajectory stays as a ghost); a change to the objective, start, steps or seed restarts them all.
 * Values arrive chunk by chunk while the animation plays.
 */
import type { SurfaceSpec } from '../engine/spec/schema';
import type { RaceEvent } from '../engine/surface/jobs';
import type { CloudResult } from '../engine/surface/runCloud';
import type { SurfaceResult } from '../engine/surface/runSurface';
import { engineGrid, engineJob, type Job } from '../worker/client';
import { useAppStore } from './store';

const GRID_SIZE = 160;

/** What makes the numbers of every run change. */
const sharedKey = (s: SurfaceSpec) => JSON.stringify([s.objective, s.start, s.steps, s.seed]);
/** What makes one run's numbers change (not its label or colour). */
const runKey = (r: SurfaceSpec['runs'][number]) => JSON.stringify([r.optimizer, r.schedule, r.noise]);
const cloudKey = (s: SurfaceSpec) => JSON.stringify([sharedKey(s), s.runs.map(runKey), s.cloud]);

let runJobs = new Map<number, Job<unknown>>();
let cloudJob: Job<unknown> | null = null;
let gridFor = '';
let cloudFor = '';

function fail(err: unknown) {
  const backend = useAppStore.getState().backend?.active ?? 'current';
  useAppStore.getState().raceFail(`The engine failed on the ${backend} backend: ${(err as Error).message}`);
}

/** (Re)computes the given runs; `keepGhost` leaves their old paths visible as ghosts. */
export function raceCompute(runs: number[], keepGhost: boolean): void {
  if (runs.length === 0) return;
  const store = useAppStore.getState();
  const replaced = new Set(runs.map((r) => runJobs.get(r)).filter((j): j is Job<unknown> => j !== undefined));
  store.raceReset(runs, keepGhost);
  const spec = store.specs.surface;
  const job: Job<unknown> = engineJob<SurfaceResult, RaceEvent>(
    'race',
    spec,
    { options: { only: runs } },
    ({ deltas }) => {
      // only runs that this job still serves: a newer job may have taken some over
      const mine = deltas.filter((d) => runJobs.get(d.run) === job);
      if (mine.length) useAppStore.getState().raceApply(mine);
    },
  );
  for (const r of runs) runJobs.set(r, job);
  // an older job is stopped once no run depends on it any more
  for (const old of replaced) if (![...runJobs.values()].includes(old)) old.cancel();
  job.result
    .then((result) => {
      // progress messages travel on their own channel and may still be in flight: the result is
      // the whole truth for the runs this job still serves
      const { runs: results, backend } = result as SurfaceResult;
      const mine = runs.map((r, k) => [r, k] as const).filter(([r]) => runJobs.get(r) === job);
      if (mine.length)
        useAppStore.getState().raceFinish(
          mine.map(([r]) => r),
          mine.map(([, k]) => results[k]),
          backend,
        );
    })
    .catch(fail)
    .finally(() => runs.forEach((r) => runJobs.get(r) === job && runJobs.delete(r)));
}

export function cloudCompute(): void {
  const spec = useAppStore.getState().specs.surface;
  const key = cloudKey(spec);
  if (key === cloudFor && (useAppStore.getState().cloud || useAppStore.getState().cloudComputing)) return;
  cloudFor = key;
  cloudJob?.cancel();
  useAppStore.getState().cloudSet(null, true);
  useAppStore.setState({ cloudHead: 0 });
  const job = engineJob<CloudResult>(
    'cloud',
    spec,
    { options: { count: spec.cloud.count, epsilon: spec.cloud.epsilon, frames: Math.min(spec.steps + 1, 120) } },
    null,
  );
  cloudJob = job;
  job.result
    .then((cloud) => cloudJob === job && useAppStore.getState().cloudSet(cloud, false))
    .catch((err) => {
      useAppStore.getState().cloudSet(null, false);
      fail(err);
    });
}

function gridCompute(spec: SurfaceSpec): void {
  const key = JSON.stringify(spec.objective);
  if (key === gridFor) return;
  gridFor = key;
  engineGrid(spec, GRID_SIZE, GRID_SIZE)
    .then((grid) => gridFor === key && useAppStore.setState({ grid }))
    .catch(fail);
}

/** Watches the spec and keeps the computed values in step with it. Returns an unsubscribe function. */
export function raceControllerStart(): () => void {
  const initial = useAppStore.getState().specs.surface;
  gridCompute(initial);
  raceCompute(
    initial.runs.map((_, i) => i),
    false,
  );
  if (initial.view.mode !== 'race') cloudCompute();
  return useAppStore.subscribe((state, prev) => {
    const spec = state.specs.surface;
    const before = prev.specs.surface;
    if (spec === before) return;
    gridCompute(spec);
    if (sharedKey(spec) !== sharedKey(before)) {
      raceCompute(
        spec.runs.map((_, i) => i),
        false,
      );
    } else if (spec.runs !== before.runs) {
      if (spec.runs.length < before.runs.length) {
        // a run was removed (the store already dropped its values): renumber the jobs
        for (const j of new Set(runJobs.values())) j.cancel();
        runJobs = new Map();
        raceCompute(
          spec.runs.map((_, i) => i).filter((i) => !state.race[i]?.done),
          false,
        );
      } else {
        const changed = spec.runs
          .map((_, i) => i)
          .filter((i) => !before.runs[i] || runKey(spec.runs[i]) !== runKey(before.runs[i]));
        raceCompute(changed, true);
      }
    }
    if (spec.view.mode !== 'race' && cloudKey(spec) !== cloudFor) cloudCompute();
  });
}
