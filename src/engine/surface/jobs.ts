/**
 * The surface lab's engine entry: a race (all runs, or the ones a change restarted), streamed as
 * deltas, and the particle cloud.
 */
import type { JobContext } from '../job';
import type { SurfaceSpec } from '../spec/schema';
import { cloudRun, type CloudOptions, type CloudResult } from './runCloud';
import { surfaceRun, type SurfaceResult, type SurfaceRunResult } from './runSurface';
import { SURFACE_SERIES, surfaceSeriesOf, type SurfaceSeries } from './series';

/** What one chunk added to one run: the new points and values, and its status so far. */
export interface RunDelta extends SurfaceRunResult {
  /** index of the run in the spec */
  run: number;
}

export interface RaceEvent {
  stepsDone: number;
  deltas: RunDelta[];
}

/** Computes the runs `options.only` names (default all), sending only what is new since the last chunk. */
export async function race(
  spec: SurfaceSpec,
  ctx: JobContext<RaceEvent, { only?: number[] | null }>,
): Promise<SurfaceResult> {
  const indices = ctx.options?.only ?? spec.runs.map((_, i) => i);
  // the first delta includes the start point: the store's copy of a run starts empty
  const sent = indices.map(
    () => Object.fromEntries(SURFACE_SERIES.map((k) => [k, 0])) as Record<SurfaceSeries, number>,
  );
  return surfaceRun(spec, {
    only: indices,
    signal: ctx.signal,
    onProgress: ctx.onEvent
      ? (stepsDone, runs) => {
          const deltas = indices.map((runIndex, k): RunDelta => {
            const r = runs[runIndex];
            const series = surfaceSeriesOf(r);
            const delta = surfaceSeriesOf({
              status: r.status,
              ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt, reason: r.reason } : {}),
            });
            for (const key of SURFACE_SERIES) {
              const values = series[key];
              if (!values) continue;
              delta[key] = values.slice(sent[k][key]);
              sent[k][key] = values.length;
            }
            return { ...(delta as SurfaceRunResult), run: runIndex };
          });
          ctx.onEvent!({ stepsDone, deltas });
        }
      : undefined,
  });
}

export function cloud(spec: SurfaceSpec, ctx: JobContext<never, Omit<CloudOptions, 'signal'>>): Promise<CloudResult> {
  return cloudRun(spec, { ...(ctx.options as Omit<CloudOptions, 'signal'>), signal: ctx.signal });
}
