import type { StateCreator } from 'zustand';
import { OBJECTIVES, type ObjectiveName, type Point } from '../engine/objectives/registry';
import { OPTIMIZERS, type OptimizerName } from '../engine/optimizers/registry';
import { SCHEDULES, type ScheduleName } from '../engine/schedules/registry';
import { specParse, specParseValid, type SpecError, type SurfaceSpec, type SurfaceView } from '../engine/spec/schema';
import type { AppState } from './store';

export const RUN_COLORS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** The default race: GD, momentum and Adam on Rosenbrock. */
export const DEFAULT_SPEC: SurfaceSpec = specParseValid({
  seed: 0,
  objective: { name: 'rosenbrock' },
  steps: 300,
  runs: [
    { optimizer: { name: 'sgd', lr: 0.001 }, color: RUN_COLORS[0] },
    { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 }, color: RUN_COLORS[1] },
    { optimizer: { name: 'adam', lr: 0.05 }, color: RUN_COLORS[2] },
  ],
});

type Run = SurfaceSpec['runs'][number];

export interface ExperimentSlice {
  spec: SurfaceSpec;
  /** why the link in the address could not be used, if it could not */
  linkErrors: SpecError[] | null;
  specReplace(spec: SurfaceSpec, linkErrors?: SpecError[] | null): void;
  objectiveSet(name: ObjectiveName): void;
  objectiveParamSet(key: string, value: number): void;
  startSet(start: Point): void;
  stepsSet(steps: number): void;
  seedSet(seed: number): void;
  runOptimizerSet(run: number, name: OptimizerName): void;
  runHyperSet(run: number, key: string, value: number | boolean): void;
  runScheduleSet(run: number, name: ScheduleName): void;
  runScheduleParamSet(run: number, key: string, value: number | number[]): void;
  runNoiseSet(run: number, sigma: number): void;
  runAdd(): void;
  runRemove(run: number): void;
  viewSet(view: Partial<SurfaceView>): void;
  cloudParamSet(key: 'count' | 'epsilon', value: number): void;
  linkErrorsDismiss(): void;
}

/** Re-validates after an edit, so the spec in the store is always complete and valid. */
function revalidate(spec: SurfaceSpec): SurfaceSpec {
  const r = specParse(spec);
  return r.ok && r.spec.kind === 'surface' ? r.spec : spec;
}

function defaultsOf(name: OptimizerName): Record<string, number | boolean> {
  return Object.fromEntries(OPTIMIZERS[name].hyper.map((h) => [h.key, h.default]));
}

export const createExperimentSlice: StateCreator<AppState, [], [], ExperimentSlice> = (set) => {
  const edit = (fn: (spec: SurfaceSpec) => SurfaceSpec) =>
    set((s) => (s.spec.view.lock ? {} : { spec: revalidate(fn(s.spec)) }));
  const editRun = (run: number, fn: (r: Run) => Run) =>
    edit((spec) => ({ ...spec, runs: spec.runs.map((r, i) => (i === run ? fn(r) : r)) }));
  return {
    spec: DEFAULT_SPEC,
    linkErrors: null,
    specReplace: (spec, linkErrors = null) => set({ spec, linkErrors }),
    objectiveSet: (name) =>
      edit((spec) => {
        const params = Object.fromEntries(OBJECTIVES[name].params.map((p) => [p.key, p.default]));
        return { ...spec, objective: { ...params, name } as SurfaceSpec['objective'], start: OBJECTIVES[name].start };
      }),
    objectiveParamSet: (key, value) => edit((spec) => ({ ...spec, objective: { ...spec.objective, [key]: value } })),
    startSet: (start) => edit((spec) => ({ ...spec, start })),
    stepsSet: (steps) => edit((spec) => ({ ...spec, steps })),
    seedSet: (seed) => edit((spec) => ({ ...spec, seed })),
    runOptimizerSet: (run, name) =>
      editRun(run, (r) => ({ ...r, optimizer: { ...defaultsOf(name), name } as Run['optimizer'] })),
    runHyperSet: (run, key, value) => editRun(run, (r) => ({ ...r, optimizer: { ...r.optimizer, [key]: value } })),
    runScheduleSet: (run, name) =>
      editRun(run, (r) => ({
        ...r,
        schedule: {
          ...Object.fromEntries(SCHEDULES[name].params.map((p) => [p.key, p.default])),
          name,
          warmupSteps: r.schedule.warmupSteps,
        } as Run['schedule'],
      })),
    runScheduleParamSet: (run, key, value) =>
      editRun(run, (r) => ({ ...r, schedule: { ...r.schedule, [key]: value } })),
    runNoiseSet: (run, sigma) => editRun(run, (r) => ({ ...r, noise: sigma })),
    runAdd: () =>
      edit((spec) => {
        if (spec.runs.length >= 8) return spec;
        const color = RUN_COLORS.find((c) => !spec.runs.some((r) => r.color === c)) ?? RUN_COLORS[0];
        const run = {
          optimizer: { ...defaultsOf('adam'), name: 'adam' },
          schedule: { name: 'constant', warmupSteps: 0 },
          noise: 0,
          color,
        };
        return { ...spec, runs: [...spec.runs, run as Run] };
      }),
    runRemove: (run) =>
      set((s) => {
        if (s.spec.view.lock || s.spec.runs.length <= 1) return {};
        const drop = <T>(xs: T[]) => xs.filter((_, i) => i !== run);
        return {
          spec: { ...s.spec, runs: drop(s.spec.runs) },
          race: drop(s.race),
          ghosts: drop(s.ghosts),
          heads: drop(s.heads),
          selectedRun: Math.max(0, Math.min(s.selectedRun, s.spec.runs.length - 2)),
        };
      }),
    // the view (mode, speed, presentation) stays changeable in a locked link: it changes no numbers
    viewSet: (view) => set((s) => ({ spec: { ...s.spec, view: { ...s.spec.view, ...view } } })),
    cloudParamSet: (key, value) => edit((spec) => ({ ...spec, cloud: { ...spec.cloud, [key]: value } })),
    linkErrorsDismiss: () => set({ linkErrors: null }),
  };
};
