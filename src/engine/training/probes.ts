/**
 * Snapshots for the live views while a model trains: weight histograms per layer, the decision
 * boundary on a grid for 2-D data, the fitted curve for 1-D regression, test-set confusion matrices and
 * sample predictions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import { modelConfusion, modelForward, modelPredict, modelProbabilities } from '../models/models';
import type { ModelShape } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import type { DeviceData } from './deviceData';
import { EVAL_ROWS } from './steps';
import type { TrainProbe, WeightHistogram } from './types';

function histogram(values: Float32Array, bins: number, layer: number): WeightHistogram {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) {
    max = min + 1e-6;
  }
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (max - min);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) * scale))]++;
  return { layer, min, max, counts };
}

/** Grid bounds for a 2-D dataset: the points' extent with 10% room. */
function gridBounds(train: Dataset): [number, number, number, number] {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < train.n; i++) {
    for (let d = 0; d < 2; d++) {
      const v = train.x[i * 2 + d];
      lo[d] = Math.min(lo[d], v);
      hi[d] = Math.max(hi[d], v);
    }
  }
  const pad = (d: number) => 0.1 * Math.max(hi[d] - lo[d], 1e-6);
  return [lo[0] - pad(0), hi[0] + pad(0), lo[1] - pad(1), hi[1] + pad(1)];
}

export async function probeTake(
  shape: ModelShape,
  params: ParamMap,
  train: Dataset,
  test: DeviceData,
  opts: { grid: number; samples: number; bins?: number },
  at: { step: number; epoch: number },
): Promise<TrainProbe> {
  const K = params['l0/w'].shape[0];
  const histograms: WeightHistogram[][] = Array.from({ length: K }, () => []);
  for (let l = 0; l < shape.layers.length; l++) {
    const w = params[`l${l}/w`];
    const values = (await w.data()) as Float32Array;
    const size = values.length / K;
    const bins = opts.bins ?? Math.min(40, Math.max(8, Math.ceil(2 * Math.sqrt(size))));
    for (let k = 0; k < K; k++) histograms[k].push(histogram(values.subarray(k * size, (k + 1) * size), bins, l));
  }
  const probe: TrainProbe = { ...at, histograms };
  if (train.nFeatures === 2 && train.task === 'classification') {
    const n = opts.grid;
    const bounds = gridBounds(train);
    const [x0, x1, y0, y1] = bounds;
    const grid = new Float32Array(n * n * 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        grid[(r * n + c) * 2] = x0 + ((c + 0.5) / n) * (x1 - x0);
        grid[(r * n + c) * 2 + 1] = y1 - ((r + 0.5) / n) * (y1 - y0);
      }
    }
    const probs = tf.tidy(() => modelProbabilities(shape, modelForward(shape, params, tf.tensor2d(grid, [n * n, 2]))));
    const v = (await probs.data()) as Float32Array;
    probs.dispose();
    const per = n * n * train.nClasses;
    probe.boundary = {
      nx: n,
      ny: n,
      bounds,
      classes: train.nClasses,
      probs: Array.from({ length: K }, (_, k) => v.slice(k * per, (k + 1) * per)),
    };
  }
  if (train.nFeatures === 1 && train.task === 'regression') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const xs = Array.from({ length: 100 }, (_, i) => lo + ((hi - lo) * i) / 99);
    const out = tf.tidy(() => tf.squeeze(modelForward(shape, params, tf.tensor2d(xs, [100, 1])), [2]));
    probe.curve = { xs, ys: (await out.array()) as number[][] };
    out.dispose();
  }
  if (shape.head !== 'regression') {
    const C = Math.max(2, train.nClasses);
    const m = Math.min(opts.samples, test.n);
    const found = tf.tidy(() => {
      let confusion: tf.Tensor = tf.zeros([K, C, C]);
      for (let at = 0; at < test.n; at += EVAL_ROWS) {
        const size = Math.min(EVAL_ROWS, test.n - at);
        const out = modelForward(shape, params, tf.slice(test.x, [at, 0], [size, -1]));
        confusion = tf.add(confusion, modelConfusion(shape, out, tf.slice(test.y, [at], [size]), C));
      }
      const out = modelForward(shape, params, tf.slice(test.x, [0, 0], [m, -1]));
      return { confusion, predicted: modelPredict(shape, out), confidence: tf.max(modelProbabilities(shape, out), 2) };
    });
    probe.confusion = (await found.confusion.array()) as number[][][];
    probe.samples = {
      predicted: (await found.predicted.array()) as number[][],
      confidence: (await found.confidence.array()) as number[][],
    };
    tf.dispose(Object.values(found));
  }
  return probe;
}
