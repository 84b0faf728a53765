/**
 * The surface lab: optimizers racing on a 2-D loss surface, live. Its jobs are the race (all runs, or
 * the ones an edit restarted) and the particle cloud; both recompute on every edit (store/raceController.ts)
 * and fold into the race slice rather than a history.
 */
import { surfaceSpecParseValid, type SurfaceSpec } from '../engine/spec/schema';
import { RUN_COLORS } from './colors';
import { defineLab } from './types';

/** The default race: GD, momentum and Adam on Rosenbrock. */
export const DEFAULT_SURFACE_SPEC: SurfaceSpec = surfaceSpecParseValid({
  seed: 0,
  objective: { name: 'rosenbrock' },
  steps: 300,
  runs: [
    { optimizer: { name: 'sgd', lr: 0.001 }, color: RUN_COLORS[0] },
    { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 }, color: RUN_COLORS[1] },
    { optimizer: { name: 'adam', lr: 0.05 }, color: RUN_COLORS[2] },
  ],
});

const engine = () => import('../engine/surface/jobs');

export const surfaceLab = defineLab<SurfaceSpec>({
  id: 'surface',
  label: 'Surface lab',
  kind: 'surface',
  defaults: DEFAULT_SURFACE_SPEC,
  onLink: 'live',
  run: 'race',
  jobs: { race: { engine }, cloud: { engine } },
  page: () => import('../ui/surface/SurfacePage').then((m) => ({ default: m.SurfacePage })),
  cli: () => import('../cli/surface'),
});
