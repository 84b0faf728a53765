/**
 * Functional models (linear, logistic, softmax, MLP, a small CNN): parameters with a leading axis of
 * K models ([K, in, out]) plus forward, loss and their hand-written gradients, so K runs train in the
 * same kernels and the compression lab can mask, quantize and distill them. Initialisation is seeded
 * in JavaScript (zeros, uniform, Xavier, He; fans as PyTorch counts them), the same on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from '../kernels/batchMatMul';
import { biasGrad } from '../kernels/biasGrad';
import { reluGrad } from '../kernels/reluGrad';
import { xentGrad } from '../kernels/xentGrad';
import { xentStats } from '../kernels/xentStats';
import type { ParamMap } from '../optimizers/optimizer';
import { randomCreate, randomMixSeed } from '../random';

import { layerWeightShape, type ModelShape, type ModelSpec } from './shape';

export function modelInit(shape: ModelShape, init: ModelSpec['init'], seeds: number[]): ParamMap {
  const K = seeds.length;
  const params: ParamMap = {};
  shape.layers.forEach((layer, l) => {
    const area = layer.conv ? layer.conv.kernel ** 2 : 1;
    const fanIn = area * layer.in;
    const fanOut = area * layer.out;
    const size = fanIn * layer.out;
    const w = new Float32Array(K * size);
    seeds.forEach((seed, k) => {
      const rng = randomCreate(randomMixSeed(seed, l, 0x1417));
      const base = k * size;
      for (let i = 0; i < size; i++) {
        w[base + i] =
          init === 'zeros'
            ? 0
            : init === 'uniform'
              ? -0.05 + 0.1 * rng.uniform()
              : init === 'xavier'
                ? Math.sqrt(6 / (fanIn + fanOut)) * (2 * rng.uniform() - 1)
                : Math.sqrt(2 / fanIn) * rng.normal();
      }
    });
    params[`l${l}/w`] = tf.tensor(w, [K, ...layerWeightShape(layer)]);
    params[`l${l}/b`] = tf.zeros([K, 1, layer.out]);
  });
  return params;
}

function activate(x: tf.Tensor, activation: ModelSpec['activation']): tf.Tensor {
  return activation === 'relu' ? tf.relu(x) : activation === 'tanh' ? tf.tanh(x) : tf.sigmoid(x);
}

/**
 * One dense layer of K models, act(h·W + b): h [K, B, in], W [K, in, out], b [K, 1, out]. Forward,
 * one fused matmul (bias and relu or sigmoid in the same GPU program; tanh follows it). Its gradient
 * is written out rather than left to autodiff, to spend fewer GPU programs per step: with dz the
 * gradient before the activation, dW = hᵀ·dz, dh = dz·Wᵀ (only when `inputGrad`; the data needs none)
 * and db = 1ᵀ·dz as one more matmul, where tfjs' broadcast-sum would transpose, unpack, reduce twice
 * and pack. On webgl and webgpu relu's gradient and db are one program each (kernels/). The
 * gradients equal autodiff's of the plain ops (models.test.ts).
 */
function denseApply(
  h: tf.Tensor3D,
  w: tf.Tensor3D,
  b: tf.Tensor3D,
  activation: ModelSpec['activation'] | 'linear',
  inputGrad: boolean,
): tf.Tensor3D {
  const fused = activation === 'tanh' ? 'linear' : activation;
  // the fused kernel itself: tf.fused.matMul splits matmul, bias and activation into three programs
  // whenever a gradient is being recorded (its own gradient needs them), and this layer's gradient is
  // written out below (on cpu and a software WebGPU adapter the products are kernels/batchMatMul.ts's)
  const forward = (x: tf.Tensor3D, wt: tf.Tensor3D, bt: tf.Tensor3D) =>
    batchMatMul(x, wt, { bias: bt, activation: fused });
  const backward = (
    dy: tf.Tensor3D,
    y: tf.Tensor3D,
    x: tf.Tensor3D,
  ): { dz: tf.Tensor3D; dw: tf.Tensor3D; db: tf.Tensor3D } => {
    const dz = (
      fused === 'relu' ? reluGrad.run({ dy, y }, {})[0] : fused === 'sigmoid' ? tf.mul(dy, tf.mul(y, tf.sub(1, y))) : dy
    ) as tf.Tensor3D;
    const db = biasGrad.run({ dz }, {})[0] as tf.Tensor3D;
    return { dz, dw: batchMatMul(x, dz, { transposeA: true }), db };
  };
  const z = inputGrad
    ? tf.customGrad((x, wt, bt, save) => {
        const y = forward(x as tf.Tensor3D, wt as tf.Tensor3D, bt as tf.Tensor3D);
        (save as tf.GradSaveFunc)([y, x as tf.Tensor, wt as tf.Tensor]);
        return {
          value: y,
          gradFunc: (dy: tf.Tensor, [ys, xs, ws]: tf.Tensor[]) => {
            const { dz, dw, db } = backward(dy as tf.Tensor3D, ys as tf.Tensor3D, xs as tf.Tensor3D);
            return [batchMatMul(dz, ws as tf.Tensor3D, { transposeB: true }), dw, db];
          },
        };
      })(h, w, b)
    : tf.customGrad((wt, bt, save) => {
        const y = forward(h, wt as tf.Tensor3D, bt as tf.Tensor3D);
        (save as tf.GradSaveFunc)([y, h]); // saved, so it outlives modelForward's tidy
        return {
          value: y,
          gradFunc: (dy: tf.Tensor, [ys, xs]: tf.Tensor[]) => {
            const { dw, db } = backward(dy as tf.Tensor3D, ys as tf.Tensor3D, xs as tf.Tensor3D);
            return [dw, db];
          },
        };
      })(w, b);
  return (activation === 'tanh' ? tf.tanh(z) : z) as tf.Tensor3D;
}

/** Dropout while training: rate p, seeded per step and layer; kept units are scaled by 1/(1 − p). */
export interface ModelDropout {
  rate: number;
  seed: number;
}

/** Hidden units → dropped at rate p with a seeded mask, kept ones scaled by 1/(1 − p). */
function dropoutApply(h: tf.Tensor, dropout: ModelDropout | undefined, salt: number): tf.Tensor {
  if (!dropout || dropout.rate <= 0) return h;
  const keep = tf.cast(
    tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', dropout.seed + salt), dropout.rate),
    'float32',
  );
  return tf.mul(h, tf.div(keep, 1 - dropout.rate));
}

/**
 * The conv layers of K models: x [K or 1, B, H·W·C] → [K, B, features]. Valid convolution, stride 1,
 * each followed by a 2×2 max-pool. tfjs has no grouped convolution, so each model runs its own
 * conv2d (for the usual K = 1 that is one kernel per layer); the im2col alternatives measured slower
 * (README, Performance).
 */
function convForward(shape: ModelShape, params: ParamMap, x: tf.Tensor3D, K: number): tf.Tensor3D {
  const convs = shape.layers.filter((l) => l.conv);
  const first = convs[0].conv!;
  const outs: tf.Tensor2D[] = [];
  for (let k = 0; k < K; k++) {
    const xk = tf.squeeze(tf.slice(x, [x.shape[0] === 1 ? 0 : k, 0, 0], [1, -1, -1]), [0]);
    let h: tf.Tensor4D = tf.reshape(xk, [xk.shape[0], first.inH, first.inW, convs[0].in]);
    convs.forEach((layer, l) => {
      const w = tf.reshape(
        tf.slice(params[`l${l}/w`], [k, 0, 0, 0, 0], [1, -1, -1, -1, -1]),
        layerWeightShape(layer) as [number, number, number, number],
      ) as tf.Tensor4D;
      const b = tf.reshape(tf.slice(params[`l${l}/b`], [k, 0, 0], [1, -1, -1]), [layer.out]);
      h = activate(tf.add(tf.conv2d(h, w, 1, 'valid'), b), shape.activation) as tf.Tensor4D;
      h = tf.maxPool(h, 2, 2, 'valid');
    });
    outs.push(tf.reshape(h, [h.shape[0], -1]));
  }
  return tf.stack(outs) as tf.Tensor3D;
}

/**
 * Outputs of K models for a batch: [K, B, out] (logits for classification). x is [B, d], shared by
 * every model, or [K, B, d] when each model sees its own batch. `onActivation` sees (and may
 * replace) each dense hidden layer's activations: activation quantization and its calibration.
 */
export function modelForward(
  shape: ModelShape,
  params: ParamMap,
  x: tf.Tensor2D | tf.Tensor3D,
  dropout?: ModelDropout,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): tf.Tensor3D {
  return tf.tidy(() => {
    const K = params['l0/w'].shape[0];
    const x3 = x.rank === 3 ? (x as tf.Tensor3D) : (tf.expandDims(x, 0) as tf.Tensor3D);
    const nConv = shape.layers.filter((l) => l.conv).length;
    let h: tf.Tensor =
      nConv > 0 ? convForward(shape, params, x3, K) : tf.broadcastTo(x3, [K, x3.shape[1], x3.shape[2]]);
    if (nConv > 0) h = dropoutApply(h, dropout, 99);
    for (let l = nConv; l < shape.layers.length; l++) {
      const hidden = l < shape.layers.length - 1;
      // the data needs no gradient: only a layer fed by parameters (an earlier layer, a conv) passes one back
      h = denseApply(
        h as tf.Tensor3D,
        params[`l${l}/w`] as tf.Tensor3D,
        params[`l${l}/b`] as tf.Tensor3D,
        hidden ? shape.activation : 'linear',
        l > 0,
      );
      if (hidden) {
        if (onActivation) h = onActivation(h, l);
        h = dropoutApply(h, dropout, l);
      }
    }
    return h as tf.Tensor3D;
  });
}

/**
 * Mean loss of each model over the batch: [K]. y holds class indices or targets, [B] or [K, B];
 * yOneHot the one-hot labels ([B, C] or [K, B, C]) for multiclass heads.
 */
export function modelLoss(
  shape: ModelShape,
  out: tf.Tensor3D,
  y: tf.Tensor1D | tf.Tensor2D,
  yOneHot: tf.Tensor2D | tf.Tensor3D | null,
): tf.Tensor1D {
  return tf.tidy(() => {
    if (shape.head === 'regression') return tf.mean(tf.square(tf.sub(tf.squeeze(out, [2]), y)), 1) as tf.Tensor1D;
    if (shape.head === 'binary') {
      // stable sigmoid cross-entropy with logits: max(z, 0) − z·y + log(1 + e^−|z|)
      const z = tf.squeeze(out, [2]);
      const l = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      return tf.mean(l, 1) as tf.Tensor1D;
    }
    return softmaxCrossEntropy(out, yOneHot!);
  });
}

/**
 * Mean softmax cross-entropy of each model, −(1/B)·Σ y·log softmax(z): [K], with its gradient written
 * out, (softmax(z) − y)/B (one-hot, or any row-sum-1, labels); `stats` holds the loss and the batch
 * accuracy as the rows of one [2, K] tensor (no gradient). One GPU program each on webgl and webgpu
 * (kernels/xentStats.ts, xentGrad.ts), tf ops elsewhere.
 */
export function softmaxXent(
  logits: tf.Tensor3D,
  yOneHot: tf.Tensor2D | tf.Tensor3D,
): { loss: tf.Tensor1D; stats: tf.Tensor2D } {
  const K = logits.shape[0];
  let stats: tf.Tensor2D | null = null;
  const loss = tf.customGrad((z, save) => {
    const s = xentStats.run({ logits: z as tf.Tensor, labels: yOneHot }, {})[0] as tf.Tensor2D;
    stats = tf.keep(s); // customGrad's forward is a tidy scope: the accuracy row is read after it
    (save as tf.GradSaveFunc)([z as tf.Tensor]);
    return {
      value: tf.reshape(tf.slice(s, [0, 0], [1, K]), [K]),
      gradFunc: (dy: tf.Tensor, [zs]: tf.Tensor[]) => xentGrad.run({ logits: zs, labels: yOneHot, dy }, {})[0],
    };
  })(logits) as tf.Tensor1D;
  const kept = stats as unknown as tf.Tensor2D;
  const both = tf.clone(kept); // in the caller's scope, like loss (a clone shares the data)
  kept.dispose();
  return { loss, stats: both };
}

function softmaxCrossEntropy(logits: tf.Tensor3D, yOneHot: tf.Tensor2D | tf.Tensor3D): tf.Tensor1D {
  const { loss, stats } = softmaxXent(logits, yOneHot);
  stats.dispose();
  return loss;
}

/** Share of correct predictions of each model: [K] (classification only). */
export function modelAccuracy(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D | tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const predicted = tf.cast(modelPredict(shape, out), 'float32');
    return tf.mean(tf.cast(tf.equal(predicted, y), 'float32'), 1) as tf.Tensor1D;
  });
}

/** Sum of squares of each model's tensor over every axis but the first: [K]. */
export function perModelSumSquares(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.reshape(t, [t.shape[0], -1])), 1) as tf.Tensor1D);
}

/** Predicted class of each model for each row: [K, B] (classification heads). */
export function modelPredict(shape: ModelShape, out: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(
    () =>
      (shape.head === 'binary'
        ? tf.cast(tf.greater(tf.squeeze(out, [2]), 0), 'int32')
        : tf.argMax(out, 2)) as tf.Tensor2D,
  );
}

/** Probability of each class: [K, B, C] (a binary head gives [1 − p, p]). */
export function modelProbabilities(shape: ModelShape, out: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    if (shape.head === 'binary') {
      const p = tf.sigmoid(out);
      return tf.concat([tf.sub(1, p), p], 2) as tf.Tensor3D;
    }
    return tf.softmax(out) as tf.Tensor3D;
  });
}

/** Confusion matrices [K, C, C]: row = true class, column = predicted class, counts. */
export function modelConfusion(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D, nClasses: number): tf.Tensor3D {
  return tf.tidy(() => {
    const predicted = tf.oneHot(modelPredict(shape, out), nClasses); // [K, B, C]
    const truth = tf.oneHot(tf.cast(y, 'int32'), nClasses); // [B, C]
    const K = out.shape[0];
    const t = tf.broadcastTo(tf.expandDims(tf.transpose(tf.cast(truth, 'float32')), 0), [K, nClasses, y.shape[0]]);
    return tf.matMul(t as tf.Tensor3D, tf.cast(predicted, 'float32') as tf.Tensor3D);
  });
}
