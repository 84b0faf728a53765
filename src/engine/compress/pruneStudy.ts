/**
 * Magnitude pruning of a trained model at several sparsities, one-shot (before and after fine-tuning
 * with the mask held) or gradually while fine-tuning (Zhu & Gupta): accuracy, each layer's sparsity and
 * the size of what is left.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import type { ModelSpec } from '../models/shape';
import type { ModelWeights } from '../training/train';
import { trainStepsPerEpoch } from '../training/steps';
import { pruneMasks, zhuGuptaSparsity, type GradualSchedule, type PruneScope } from './prune';
import {
  evaluateParams,
  fineTuneConfig,
  lastMetrics,
  masksApply,
  paramsOf,
  shapeOf,
  stageRun,
  type FineTune,
  type Metrics,
  type StudyContext,
} from './stage';

export interface PruneRow {
  sparsity: number;
  oneShot: Metrics;
  fineTuned: Metrics | null;
  /** per layer: share of its weights pruned */
  layerSparsity: number[];
  /** weights left (biases included) */
  nonzero: number;
  /** stored sparse: each kept weight as float32 value + int32 index, biases dense */
  sparseBytes: number;
  /** the masks, per layer (for the mask image) */
  masks: Uint8Array[];
}

/**
 * Gradual pruning's schedule over a fine-tuning of `steps` steps (Zhu & Gupta): from 0 to the final
 * sparsity in up to 10 updates over the first three quarters, the last quarter with the mask held.
 */
export function gradualScheduleFor(final: number, steps: number): GradualSchedule {
  const span = Math.max(1, Math.floor(0.75 * steps));
  const updates = Math.min(10, span);
  return { initial: 0, final, start: 0, updates, every: Math.max(1, Math.floor(span / updates)) };
}

export async function pruneStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  weights: ModelWeights[],
  options: { sparsities: number[]; scope: PruneScope; gradual?: boolean; fineTune: FineTune },
  ctx: StudyContext = {},
): Promise<{ dense: Metrics; denseBytes: number; rows: PruneRow[] }> {
  const shape = shapeOf(model, train);
  const layerWeights = weights.filter((w) => w.name.endsWith('/w'));
  const biases = weights.filter((w) => w.name.endsWith('/b'));
  const params = paramsOf(weights);
  try {
    const dense = await evaluateParams(shape, params, test);
    const rows: PruneRow[] = [];
    for (const sparsity of options.sparsities) {
      let masks = pruneMasks(
        layerWeights.map((w) => ({ values: w.values, units: w.shape[w.shape.length - 1] })),
        sparsity,
        options.scope,
      );
      const pruned = masksApply(weights, masks, options.scope === 'structured');
      const p = paramsOf(pruned);
      const oneShot = await evaluateParams(shape, p, test);
      tf.dispose(Object.values(p));
      let fineTuned: Metrics | null = null;
      if (options.gradual && options.fineTune.epochs > 0) {
        // Zhu & Gupta: prune while training, from the dense weights; the mask is what training left at 0
        const steps = options.fineTune.epochs * trainStepsPerEpoch(train.n, options.fineTune.batchSize);
        const g = gradualScheduleFor(sparsity, steps);
        const r = await stageRun(
          ctx,
          `gradual pruning to ${Math.round(sparsity * 100)} %`,
          train,
          test,
          fineTuneConfig(model, options.fineTune, {
            initialWeights: [weights],
            prune: { scope: options.scope, sparsityAt: (t) => zhuGuptaSparsity(t, g) },
          }),
          true,
        );
        fineTuned = lastMetrics(r);
        const names = layerWeights.map((w) => w.name);
        masks = names.map((name) =>
          Uint8Array.from(r.weights![0].find((w) => w.name === name)!.values, (v) => (v !== 0 ? 1 : 0)),
        );
      } else if (options.fineTune.epochs > 0) {
        fineTuned = lastMetrics(
          await stageRun(
            ctx,
            `fine-tuning at ${Math.round(sparsity * 100)} % sparsity`,
            train,
            test,
            fineTuneConfig(model, options.fineTune, { initialWeights: [pruned], masks: [masks] }),
          ),
        );
      }
      const kept = masks.map((m) => m.reduce((a, b) => a + b, 0));
      const biasCount = biases.reduce((n, b) => n + b.values.length, 0);
      rows.push({
        sparsity,
        oneShot,
        fineTuned,
        masks,
        layerSparsity: masks.map((m, l) => 1 - kept[l] / m.length),
        nonzero: kept.reduce((a, b) => a + b, 0) + biasCount,
        sparseBytes: 8 * kept.reduce((a, b) => a + b, 0) + 4 * biasCount,
      });
    }
    return { dense, denseBytes: 4 * weights.reduce((n, w) => n + w.values.length, 0), rows };
  } finally {
    tf.dispose(Object.values(params));
  }
}
