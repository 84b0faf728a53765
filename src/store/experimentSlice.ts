import type { StateCreator } from 'zustand';
import { OPTIMIZERS, type OptimizerName } from '../engine/optimizers/registry';
import { OBJECTIVES, type ObjectiveName } from '../engine/objectives/registry';
import { SCHEDULES, type ScheduleName } from '../engine/schedules/registry';
import { specParse, type SpecError, type SurfaceSpec } from '../engine/spec/schema';
import type { AppState } from './store';

/** The default race: GD, momentum and Adam on Rosenbrock. */
export const DEFAULT_SPEC: SurfaceSpec = (() => {
  const r = specParse({
    version: 1, kind: 'surface', seed: 0, objective: { name: 'rosenbrock' }, steps: 300,
    runs: [
      { optimizer: { name: 'sgd', lr: 0.001 }, color: '#e11d48' },
      { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 }, color: '#2563eb' },
      { optimizer: { name: 'adam', lr: 0.05 }, color: '#16a34a' },
    ],
  });
  if (!r.ok) throw new Error('the default spec is invalid');
  return r.spec;
})();

export const RUN_COLORS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export interface ExperimentSlice {
  spec: SurfaceSpec;
  /** why the link in the address could not be used, if it could not */
  linkErrors: SpecError[] | null;
  specReplace(spec: SurfaceSpec, linkErrors?: SpecError[] | null): void;
  objectiveSet(name: ObjectiveName): void;
  stepsSet(steps: number): void;
  runOptimizerSet(run: number, name: OptimizerName): void;
  runHyperSet(run: number, key: string, value: number | boolean): void;
  runScheduleSet(run: number, name: ScheduleName): void;
  runScheduleParamSet(run: number, key: string, value: number | number[]): void;
  runNoiseSet(run: number, sigma: number): void;
  objectiveParamSet(key: string, value: number): void;
  seedSet(seed: number): void;
  runAdd(): void;
  runRemove(run: number): void;
  linkErrorsDismiss(): void;
}

/** Re-validates after an edit, so the spec in the store is always complete and valid. */
function revalidate(spec: SurfaceSpec): SurfaceSpec {
  const r = specParse(spec);
  return r.ok ? r.spec : spec;
}

function defaultsOf(name: OptimizerName): Record<string, number | boolean> {
  return Object.fromEntries(OPTIMIZERS[name].hyper.map((h) => [h.key, h.default]));
}

export const createExperimentSlice: StateCreator<AppState, [], [], ExperimentSlice> = (set) => {
  const editRun = (run: number, edit: (r: SurfaceSpec['runs'][number]) => SurfaceSpec['runs'][number]) =>
    set((s) => ({ spec: revalidate({ ...s.spec, runs: s.spec.runs.map((r, i) => (i === run ? edit(r) : r)) }) }));
  return {
    spec: DEFAULT_SPEC,
    linkErrors: null,
    specReplace: (spec, linkErrors = null) => set({ spec, linkErrors }),
    objectiveSet: (name) =>
      set((s) => {
        const params = Object.fromEntries(OBJECTIVES[name].params.map((p) => [p.key, p.default]));
        return { spec: revalidate({ ...s.spec, objective: { ...params, name } as SurfaceSpec['objective'], start: OBJECTIVES[name].start }) };
      }),
    stepsSet: (steps) => set((s) => ({ spec: revalidate({ ...s.spec, steps }) })),
    runOptimizerSet: (run, name) =>
      editRun(run, (r) => ({ ...r, optimizer: { ...defaultsOf(name), name } as SurfaceSpec['runs'][number]['optimizer'] })),
    runHyperSet: (run, key, value) => editRun(run, (r) => ({ ...r, optimizer: { ...r.optimizer, [key]: value } })),
    runScheduleSet: (run, name) =>
      editRun(run, (r) => ({
        ...r,
        schedule: { ...Object.fromEntries(SCHEDULES[name].params.map((p) => [p.key, p.default])), name, warmupSteps: r.schedule.warmupSteps } as SurfaceSpec['runs'][number]['schedule'],
      })),
    runScheduleParamSet: (run, key, value) => editRun(run, (r) => ({ ...r, schedule: { ...r.schedule, [key]: value } })),
    runNoiseSet: (run, sigma) => editRun(run, (r) => ({ ...r, noise: sigma })),
    objectiveParamSet: (key, value) => set((s) => ({ spec: revalidate({ ...s.spec, objective: { ...s.spec.objective, [key]: value } }) })),
    seedSet: (seed) => set((s) => ({ spec: revalidate({ ...s.spec, seed }) })),
    runAdd: () =>
      set((s) => {
        if (s.spec.runs.length >= 8) return {};
        const color = RUN_COLORS.find((c) => !s.spec.runs.some((r) => r.color === c)) ?? RUN_COLORS[0];
        const run = { optimizer: { ...defaultsOf('adam'), name: 'adam' }, schedule: { name: 'constant', warmupSteps: 0 }, noise: 0, color };
        return { spec: revalidate({ ...s.spec, runs: [...s.spec.runs, run as SurfaceSpec['runs'][number]] }) };
      }),
    runRemove: (run) => set((s) => (s.spec.runs.length <= 1 ? {} : { spec: { ...s.spec, runs: s.spec.runs.filter((_, i) => i !== run) } })),
    linkErrorsDismiss: () => set({ linkErrors: null }),
  };
};
