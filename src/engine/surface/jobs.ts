/**
 * The surface lab's engine entry: a race (all runs, or the ones a change restarted), streamed as
 * deltas, and the particle cloud.
 */
import type { JobContext } from '../job';
import type { SurfaceSpec } from '../spec/schema';
import { cloudRun, type CloudOptions, type CloudResult } from './runCloud';
import { surfaceRun, type SurfaceResult, type SurfaceRunResult } from './runSurface';

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
  const sent = indices.map(() => ({ path: 0, loss: 0, lr: 0, grad: 0, distance: 0, average: 0 }));
  return surfaceRun(spec, {
    only: indices,
    signal: ctx.signal,
    onProgress: ctx.onEvent
      ? (stepsDone, runs) => {
          const deltas = indices.map((runIndex, k): RunDelta => {
            const r = runs[runIndex];
            const s = sent[k];
            const delta: RunDelta = {
              run: runIndex,
              path: r.path.slice(s.path),
              loss: r.loss.slice(s.loss),
              lr: r.lr.slice(s.lr),
              grad: r.grad.slice(s.grad),
              distance: r.distance.slice(s.distance),
              ...(r.average ? { average: r.average.slice(s.average) } : {}),
              status: r.status,
              ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt, reason: r.reason } : {}),
            };
            sent[k] = {
              path: r.path.length,
              loss: r.loss.length,
              lr: r.lr.length,
              grad: r.grad.length,
              distance: r.distance.length,
              average: r.average?.length ?? 0,
            };
            return delta;
          });
          ctx.onEvent!({ stepsDone, deltas });
        }
      : undefined,
  });
}

export function cloud(spec: SurfaceSpec, ctx: JobContext<never, Omit<CloudOptions, 'signal'>>): Promise<CloudResult> {
  return cloudRun(spec, { ...(ctx.options as Omit<CloudOptions, 'signal'>), signal: ctx.signal });
}
