/**
 * Post-training quantization of a trained model's weights (and optionally its hidden activations,
 * calibrated on training rows) at several bit widths, and quantization-aware fine-tuning from the
 * float model at the same widths: test metrics, model size and each layer's quantization error.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import { modelForward } from '../models/models';
import type { ModelShape, ModelSpec } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import type { ModelWeights } from '../training/train';
import { fakeQuantize, quantParams, quantRange, quantizeWeight, type QuantConfig } from './quantize';
import {
  evaluateParams,
  fineTuneConfig,
  lastMetrics,
  paramsOf,
  shapeOf,
  stageRun,
  type FineTune,
  type Metrics,
  type StudyContext,
} from './stage';

/** training rows the activation ranges are calibrated on */
const CALIBRATION_ROWS = 1024;

export interface QuantRow {
  bits: number;
  /** post-training quantization */
  ptq: Metrics;
  /** quantization-aware fine-tuning from the float model (null when qatEpochs is 0) */
  qat: Metrics | null;
  /** weights at `bits` bits, biases float32, plus a float32 scale and an int32 zero point per tensor or channel */
  sizeBytes: number;
  /** per layer: ‖w − ŵ‖² / ‖w‖² */
  layerError: number[];
}

export interface QuantStudy {
  float: Metrics;
  floatBytes: number;
  rows: QuantRow[];
}

/** Per layer: min and max of each hidden activation over (up to) 1,024 training rows. */
async function activationRanges(
  shape: ModelShape,
  params: ParamMap,
  train: Dataset,
): Promise<Map<number, [number, number]>> {
  const n = Math.min(train.n, CALIBRATION_ROWS);
  const found: { layer: number; range: tf.Tensor }[] = [];
  const out = tf.tidy(() =>
    modelForward(
      shape,
      params,
      tf.tensor2d(train.x.subarray(0, n * train.nFeatures), [n, train.nFeatures]),
      undefined,
      (h, layer) => {
        found.push({ layer, range: tf.keep(tf.stack([tf.min(h), tf.max(h)])) });
        return h;
      },
    ),
  );
  out.dispose();
  const ranges = new Map<number, [number, number]>();
  for (const f of found) {
    const v = await f.range.data();
    ranges.set(f.layer, [v[0], v[1]]);
    f.range.dispose();
  }
  return ranges;
}

export async function quantStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  weights: ModelWeights[],
  options: {
    bits: number[];
    scheme: QuantConfig['scheme'];
    perChannel: boolean;
    activations: boolean;
    fineTune: FineTune;
  },
  ctx: StudyContext = {},
): Promise<QuantStudy> {
  const shape = shapeOf(model, train);
  const params = paramsOf(weights);
  try {
    const float = await evaluateParams(shape, params, test);
    const paramCount = weights.reduce((n, w) => n + w.values.length, 0);
    const rows: QuantRow[] = [];
    const ranges = options.activations ? await activationRanges(shape, params, train) : null;
    for (const bits of options.bits) {
      const cfg: QuantConfig = { bits, scheme: options.scheme, perChannel: options.perChannel };
      const q = tf.tidy(() =>
        Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, k.endsWith('/w') ? quantizeWeight(v, cfg) : tf.clone(v)]),
        ),
      );
      // activations: 8-bit affine per tensor at most (weights may go lower), as deployed integer kernels do
      const actBits = Math.max(bits, 8);
      const { qmin, qmax } = quantRange(actBits, 'affine');
      const hook = ranges
        ? (h: tf.Tensor, layer: number) => {
            const [lo, hi] = ranges.get(layer)!;
            const p = quantParams(lo, hi, actBits, 'affine');
            return fakeQuantize(h, tf.scalar(p.scale), tf.scalar(p.zeroPoint), qmin, qmax);
          }
        : undefined;
      const ptq = await evaluateParams(shape, q, test, hook);
      const layerError: number[] = [];
      for (const k of Object.keys(params).filter((name) => name.endsWith('/w'))) {
        const e = tf.tidy(() => tf.stack([tf.sum(tf.square(tf.sub(params[k], q[k]))), tf.sum(tf.square(params[k]))]));
        const [num, den] = await e.data();
        e.dispose();
        layerError.push(den > 0 ? num / den : 0);
      }
      tf.dispose(Object.values(q));
      let qat: Metrics | null = null;
      if (options.fineTune.epochs > 0) {
        qat = lastMetrics(
          await stageRun(
            ctx,
            `quantization-aware training at ${bits} bits`,
            train,
            test,
            fineTuneConfig(model, options.fineTune, { initialWeights: [weights], qat: cfg }),
          ),
        );
      }
      const sizeBytes = weights.reduce((n, w) => {
        if (!w.name.endsWith('/w')) return n + 4 * w.values.length;
        const groups = options.perChannel ? w.shape[w.shape.length - 1] : 1;
        return n + Math.ceil((w.values.length * bits) / 8) + 8 * groups;
      }, 0);
      rows.push({ bits, ptq, qat, sizeBytes, layerError });
    }
    return { float, floatBytes: 4 * paramCount, rows };
  } finally {
    tf.dispose(Object.values(params));
  }
}
