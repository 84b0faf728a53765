/**
 * A surface run's series, named once: each grows step by step, and the ones an optimizer does not
 * keep are absent (average: ASGD, schedule-free; evaluations: L-BFGS). Deltas, the store's merge
 * and the trim after a divergence treat them alike. No tfjs here: the page imports it.
 */
import type { SurfaceRunResult } from './runSurface';

export const SURFACE_SERIES = ['path', 'loss', 'lr', 'grad', 'distance', 'average', 'evaluations'] as const;
export type SurfaceSeries = (typeof SURFACE_SERIES)[number];

/** The run's series as a record. */
export const surfaceSeriesOf = (r: Partial<SurfaceRunResult>) => r as Partial<Record<SurfaceSeries, unknown[]>>;
