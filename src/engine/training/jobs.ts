/** The training lab's engine entry: trains a `train` spec, streaming data info, per-step deltas and probes. */
import type { JobContext } from '../job';
import type { TrainSpec } from '../spec/trainSchema';
import { trainSpecRun, type TrainDataInfo, type TrainRunProbe, type TrainSpecResult } from './runTrainSpec';
import type { TrainModelResult } from './types';

/**
 * The training lab's loop rests this share of its time after each readback, so the page that draws
 * its live charts keeps its frames (on SwiftShader the "GPU" is the page's own CPU cores).
 */
const TRAIN_YIELD_SHARE = 0.25;

/** What one readback added to one model of a training run (seed 0 is the run as specified). */
export interface TrainDelta {
  run: number;
  seed: number;
  /** index of the first new step */
  from: number;
  stepLoss: number[];
  stepAccuracy: number[];
  lr: number[];
  gradNorm: number[];
  updateRatio: number[][];
  /** epochs completed so far (all of them: a few numbers each) */
  epochs: TrainModelResult['epochs'];
  status: TrainModelResult['status'];
  divergedAt?: number;
  stoppedAfter?: number;
  evaluations?: number;
}

export type TrainEvent =
  | { type: 'data'; info: TrainDataInfo }
  | { type: 'progress'; step: number; deltas: TrainDelta[]; probes: [number, TrainRunProbe][] | null };

export interface TrainJobOptions {
  keepWeights?: boolean;
  /** live views: probes, and the loop rests after each readback so the page keeps its frames */
  live?: boolean;
}

export function train(spec: TrainSpec, ctx: JobContext<TrainEvent, TrainJobOptions>): Promise<TrainSpecResult> {
  const sent = new Map<string, number>();
  const onEvent = ctx.onEvent;
  const live = ctx.options?.live ?? false;
  return trainSpecRun(spec, ctx.loadAsset, {
    csvText: ctx.csvText,
    budget: { spec, allowLarge: ctx.allowLarge },
    keepWeights: ctx.options?.keepWeights,
    signal: ctx.signal,
    control: ctx.control,
    ...(live ? { probes: {}, yieldShare: TRAIN_YIELD_SHARE } : {}),
    onData: onEvent && ((info) => onEvent({ type: 'data', info })),
    onProgress:
      onEvent &&
      (({ runs, seeds, models, probes, step }) => {
        const deltas = models.map((m, k): TrainDelta => {
          const run = runs[Math.floor(k / seeds)];
          const seed = k % seeds;
          const key = `${run}/${seed}`;
          const from = sent.get(key) ?? 0;
          sent.set(key, m.stepLoss.length);
          return {
            run,
            seed,
            from,
            stepLoss: m.stepLoss.slice(from),
            stepAccuracy: m.stepAccuracy.slice(from),
            lr: m.lr.slice(from),
            gradNorm: m.gradNorm.slice(from),
            updateRatio: m.updateRatio.slice(from),
            epochs: m.epochs,
            status: m.status,
            ...(m.divergedAt !== undefined ? { divergedAt: m.divergedAt } : {}),
            ...(m.stoppedAfter !== undefined ? { stoppedAfter: m.stoppedAfter } : {}),
            ...(m.evaluations !== undefined ? { evaluations: m.evaluations } : {}),
          };
        });
        onEvent({ type: 'progress', step, deltas, probes: probes ? [...probes.entries()] : null });
      }),
  });
}
