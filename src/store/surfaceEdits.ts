/**
 * The surface lab's edits of its spec (through specEdit, so a locked link changes nothing), and the
 * two that also touch the race: removing a run drops its computed values, and the view (mode, speed,
 * presentation) stays changeable in a locked link because it changes no numbers.
 */
import { OBJECTIVES, type ObjectiveName, type Point } from '../engine/objectives/registry';
import type { SurfaceSpec, SurfaceView } from '../engine/spec/schema';
import { runAdded, runsEdit } from './runEdits';
import { useAppStore } from './store';

type Run = SurfaceSpec['runs'][number];

const edit = (fn: (spec: SurfaceSpec) => SurfaceSpec) => useAppStore.getState().specEdit('surface', fn);

export const surfaceObjectiveSet = (name: ObjectiveName) =>
  edit((spec) => {
    const params = Object.fromEntries(OBJECTIVES[name].params.map((p) => [p.key, p.default]));
    return { ...spec, objective: { ...params, name } as SurfaceSpec['objective'], start: OBJECTIVES[name].start };
  });
export const surfaceObjectiveParamSet = (key: string, value: number) =>
  edit((spec) => ({ ...spec, objective: { ...spec.objective, [key]: value } }));
export const surfaceStartSet = (start: Point) => edit((spec) => ({ ...spec, start }));
export const surfaceStepsSet = (steps: number) => edit((spec) => ({ ...spec, steps }));
export const surfaceSeedSet = (seed: number) => edit((spec) => ({ ...spec, seed }));
export const surfaceCloudSet = (key: 'count' | 'epsilon', value: number) =>
  edit((spec) => ({ ...spec, cloud: { ...spec.cloud, [key]: value } }));
export const surfaceRunEdit = (run: number, fn: (r: Run) => Run) => edit((spec) => runsEdit(spec, run, fn));
export const surfaceRunAdd = () => edit((spec) => ({ ...spec, runs: runAdded(spec.runs) }));

export function surfaceRunRemove(run: number): void {
  useAppStore.setState((s) => {
    const spec = s.specs.surface;
    if (spec.view.lock || spec.runs.length <= 1) return {};
    const drop = <T>(xs: T[]) => xs.filter((_, i) => i !== run);
    return {
      specs: { ...s.specs, surface: { ...spec, runs: drop(spec.runs) } },
      race: drop(s.race),
      ghosts: drop(s.ghosts),
      heads: drop(s.heads),
      selectedRun: Math.max(0, Math.min(s.selectedRun, spec.runs.length - 2)),
    };
  });
}

export function surfaceViewSet(view: Partial<SurfaceView>): void {
  const s = useAppStore.getState();
  s.specReplace('surface', { ...s.specs.surface, view: { ...s.specs.surface.view, ...view } });
}
