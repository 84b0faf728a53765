/**
 * The learning-rate range test (Smith 2017, "Cyclical Learning Rates for Training Neural
 * Networks", §3.3): one run whose rate grows exponentially from minLr to maxLr over `steps`
 * optimizer steps, recording the batch loss. The loss is smoothed with a bias-corrected
 * exponential moving average (β = 0.98, as fastai does); the test stops early once the smoothed
 * loss exceeds 4× its minimum (or the run diverges).
 *
 * Suggestions: the rate where the smoothed loss falls fastest against log(lr) ("steepest"), before
 * its minimum; and the rate at the minimum divided by 10 (a common rule of thumb).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CostBudget } from '../spec/cost';
import { optimizerWithLr } from '../optimizers/registry';
import type { SearchSpec } from '../spec/searchSchema';
import type { TrainSpec } from '../spec/trainSchema';
import { trainDataSplit, trainSpecConfig, type AssetLoader } from '../training/runTrainSpec';
import { trainRun } from '../training/train';
import { trainStepsPerEpoch } from '../training/steps';

export interface LrFinderPoint {
  lr: number;
  loss: number;
  smoothed: number;
}

export interface LrFinderSuggestion {
  /** index of the steepest descent of the smoothed loss, and its rate */
  steepest: number | null;
  steepestLr: number | null;
  /** index of the smoothed minimum; the rate there / 10 */
  minimum: number;
  minimumLr: number;
}

export interface LrFinderResult {
  backend: string;
  points: LrFinderPoint[];
  suggestion: LrFinderSuggestion | null;
  /** why it stopped */
  stop: 'end' | 'exploded' | 'diverged' | 'cancelled';
  optimizer: string;
}

/** Bias-corrected EMA of the losses (β = 0: no smoothing). */
export function lrFinderSmooth(losses: number[], beta = 0.98): number[] {
  let avg = 0;
  return losses.map((l, i) => {
    avg = beta * avg + (1 - beta) * l;
    return avg / (1 - beta ** (i + 1));
  });
}

/** Where to suggest a rate, from smoothed losses at increasing rates. Skips the first `skip` points (noisy). */
export function lrFinderSuggest(lrs: number[], smoothed: number[], skip = 3): LrFinderSuggestion | null {
  const n = smoothed.length;
  if (n < skip + 3) return null;
  let minimum = skip;
  for (let i = skip; i < n; i++) if (smoothed[i] < smoothed[minimum]) minimum = i;
  let steepest: number | null = null;
  let slope = 0;
  for (let i = Math.max(1, skip); i < Math.min(minimum + 1, n - 1); i++) {
    const g = (smoothed[i + 1] - smoothed[i - 1]) / (Math.log10(lrs[i + 1]) - Math.log10(lrs[i - 1]));
    if (g < slope) [steepest, slope] = [i, g];
  }
  return { steepest, steepestLr: steepest === null ? null : lrs[steepest], minimum, minimumLr: lrs[minimum] / 10 };
}

export interface LrFinderOptions {
  signal?: AbortSignal;
  csvText?: string;
  /** the whole experiment, checked against the cost limits once a CSV file's shape is known */
  budget?: CostBudget;
  onPoints?: (points: LrFinderPoint[]) => void;
}

export async function lrFinderRun(
  base: TrainSpec,
  finder: SearchSpec['finder'],
  loadAsset: AssetLoader,
  options: LrFinderOptions = {},
): Promise<LrFinderResult> {
  const { train, test } = await trainDataSplit(base, loadAsset, options.csvText, options.budget);
  const run = base.runs[0];
  const { minLr, maxLr, steps } = finder;
  const gamma = (maxLr / minLr) ** (1 / Math.max(1, steps - 1));
  const local = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, local.signal]) : local.signal;
  let points: LrFinderPoint[] = [];
  let exploded = false;
  const read = (loss: number[], lr: number[]) => {
    const smoothed = lrFinderSmooth(loss);
    points = loss.map((l, i) => ({ lr: lr[i], loss: l, smoothed: smoothed[i] }));
    let best = Infinity;
    for (let i = 0; i < points.length; i++) {
      best = Math.min(best, points[i].smoothed);
      if (i > 3 && points[i].smoothed > 4 * best) {
        points = points.slice(0, i + 1);
        exploded = true;
        local.abort();
        break;
      }
    }
  };
  const result = await trainRun(
    train,
    test,
    {
      ...trainSpecConfig(base, [{ ...run, optimizer: optimizerWithLr(run.optimizer, minLr) }]),
      schedules: [{ name: 'exponential', gamma, warmupSteps: 0 }],
      epochs: Math.ceil(steps / trainStepsPerEpoch(train.n, base.training.batchSize)),
      maxSteps: steps,
      patience: null,
    },
    {
      signal,
      chunkSize: 10,
      onProgress: (models) => {
        read(models[0].stepLoss, models[0].lr);
        options.onPoints?.(points);
      },
    },
  );
  const m = result.models[0];
  if (!exploded) read(m.stepLoss, m.lr);
  const stop = options.signal?.aborted
    ? 'cancelled'
    : exploded
      ? 'exploded'
      : m.status === 'diverged'
        ? 'diverged'
        : 'end';
  return {
    backend: tf.getBackend(),
    points,
    stop,
    optimizer: run.optimizer.name,
    suggestion: lrFinderSuggest(
      points.map((p) => p.lr),
      points.map((p) => p.smoothed),
    ),
  };
}
