/**
 * What the compression lab adds to the training loop, as hooks (training/types.ts TrainHook): masks
 * held after every step, gradual magnitude pruning, quantization-aware training through fake-quantized
 * weights (straight-through gradients), the distillation loss, and per-layer update factors (a frozen
 * or slowed base). A mask is 1 (keep) or 0 (pruned) per weight of one model's layer; a pruned weight is
 * set to exactly 0 after every optimizer step, so it stays 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelShape } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import type { HookContext, ModelWeights, TrainConfig, TrainHook, TrainHookFactory } from '../training/types';
import { distillLoss } from './distill';
import { pruneMasks, type PruneScope } from './prune';
import { quantizeWeight, type QuantConfig } from './quantize';

/** The declarative form the studies use; `compressHooks` turns it into hooks. */
export interface TrainCompression {
  /** fixed masks, [model][layer] (lottery-ticket retraining, fine-tuning after one-shot pruning) */
  masks?: Uint8Array[][];
  /** gradual magnitude pruning: at steps where `sparsityAt` rises, masks are recomputed from the weights */
  prune?: { scope: PruneScope; sparsityAt: (step: number) => number };
  /** quantization-aware training: every forward pass sees fake-quantized weights (straight-through gradients) */
  qat?: QuantConfig;
  /** knowledge distillation from a teacher's logits on the training rows (n × classes, row-major) */
  teacher?: { logits: Float32Array; T: number; alpha: number };
  /** per layer, a factor on the update (0 freezes the layer; 0.1 is a 10× lower rate for it) */
  layerLrScale?: number[];
}

/** Masks as [K, …] tensors for the weights (and, for whole units, the biases) from per-model layer masks. */
function maskTensors(shape: ModelShape, params: ParamMap, perModel: Uint8Array[][], structured: boolean): ParamMap {
  const masks: ParamMap = {};
  shape.layers.forEach((layer, l) => {
    const w = params[`l${l}/w`];
    masks[`l${l}/w`] = tf.tensor(Float32Array.from(perModel.flatMap((m) => Array.from(m[l]))), w.shape);
    if (structured) {
      masks[`l${l}/b`] = tf.tensor(
        Float32Array.from(perModel.flatMap((m) => Array.from(m[l].subarray(0, layer.out)))),
        [perModel.length, 1, layer.out],
      );
    }
  });
  return masks;
}

/** The parameters with the masks applied (new tensors for all). */
const masked = (params: ParamMap, masks: ParamMap): ParamMap =>
  tf.tidy(() =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, masks[k] ? tf.mul(v, masks[k]) : tf.clone(v)])),
  );

/**
 * Masks held after every step: fixed ones from the start, or recomputed from the weights by
 * magnitude where the gradual schedule's sparsity rises.
 */
function maskHook(ctx: HookContext, fixed: Uint8Array[][] | undefined, prune: TrainCompression['prune']): TrainHook {
  let masks: ParamMap | null = null;
  let sparsity = 0;
  const set = (params: ParamMap, perModel: Uint8Array[][], structured: boolean): ParamMap => {
    if (masks) tf.dispose(Object.values(masks));
    masks = maskTensors(ctx.shape, params, perModel, structured);
    return masked(params, masks);
  };
  return {
    start: (params) => (fixed ? set(params, fixed, false) : null),
    before: async (step, params) => {
      if (!prune) return null;
      const target = prune.sparsityAt(step);
      if (!(target > sparsity)) return null;
      const values = await Promise.all(ctx.shape.layers.map((_, l) => params[`l${l}/w`].data()));
      const perModel = Array.from({ length: ctx.K }, (_, k) =>
        pruneMasks(
          ctx.shape.layers.map((layer, l) => {
            const size = values[l].length / ctx.K;
            return { values: (values[l] as Float32Array).subarray(k * size, (k + 1) * size), units: layer.out };
          }),
          target,
          prune.scope,
        ),
      );
      sparsity = target;
      return set(params, perModel, prune.scope === 'structured');
    },
    constrain: (next) => {
      if (!masks) return next;
      const m = masks;
      const out: ParamMap = {};
      for (const [k, v] of Object.entries(next)) {
        if (!m[k]) {
          out[k] = v;
          continue;
        }
        out[k] = tf.tidy(() => tf.mul(v, m[k]));
        v.dispose();
      }
      return out;
    },
    dispose: () => {
      if (masks) tf.dispose(Object.values(masks));
      masks = null;
    },
  };
}

/** Each layer's update scaled by its factor (0 keeps it frozen). */
function layerScaleHook(scale: number[]): TrainHook {
  return {
    constrain: (next, before) => {
      const out: ParamMap = {};
      for (const [k, v] of Object.entries(next)) {
        const f = scale[Number(k.slice(1, k.indexOf('/')))] ?? 1;
        if (f === 1) {
          out[k] = v; // unchanged: the optimizer's tensor is kept as it is
          continue;
        }
        out[k] = tf.tidy(() => (f === 0 ? tf.clone(before[k]) : tf.add(before[k], tf.mul(f, tf.sub(v, before[k])))));
        v.dispose();
      }
      return out;
    },
  };
}

/** The forward pass through fake-quantized weights; biases stay float. */
function qatHook(cfg: QuantConfig): TrainHook {
  return {
    view: (p) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, k.endsWith('/w') ? quantizeWeight(v, cfg) : v])),
  };
}

function distillHook(ctx: HookContext, t: NonNullable<TrainCompression['teacher']>): TrainHook {
  if (ctx.shape.head !== 'multiclass')
    throw new Error('distillation needs a classifier with a softmax head (several classes)');
  if (t.logits.length !== ctx.train.n * ctx.train.nClasses) {
    throw new Error(`the teacher's logits must be one row of ${ctx.train.nClasses} per training row`);
  }
  const teacher = tf.tensor2d(t.logits, [ctx.train.n, t.logits.length / ctx.train.n]);
  return {
    needsIndices: true,
    loss: (out, batch) =>
      distillLoss(out, tf.gather(teacher, batch.indices!) as tf.Tensor2D | tf.Tensor3D, batch.oneHot!, t.T, t.alpha),
    dispose: () => teacher.dispose(),
  };
}

/** The hooks for a compression setting, in the order they apply: the update factors, then the masks. */
export function compressHooks(cx: TrainCompression = {}): TrainHookFactory[] {
  const out: TrainHookFactory[] = [];
  if (cx.layerLrScale) out.push(() => layerScaleHook(cx.layerLrScale!));
  if (cx.masks || cx.prune) out.push((ctx) => maskHook(ctx, cx.masks, cx.prune));
  if (cx.qat) out.push(() => qatHook(cx.qat!));
  if (cx.teacher) out.push((ctx) => distillHook(ctx, cx.teacher!));
  return out;
}

/** A training's start (initial weights) and its compression, as the loop's config takes them. */
export function compressConfig(
  cx: TrainCompression & { initialWeights?: ModelWeights[][] } = {},
): Pick<TrainConfig, 'hooks' | 'initialWeights'> {
  return { ...(cx.initialWeights ? { initialWeights: cx.initialWeights } : {}), hooks: compressHooks(cx) };
}
