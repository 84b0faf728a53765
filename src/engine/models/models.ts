/**
 * Functional models: parameters plus a forward function, so later labs can mask, quantize and
 * distill them. Every parameter carries a leading axis of K independent models ([K, in, out]), so K
 * runs (a learning-rate sweep, several seeds) train in the same kernels.
 *
 *   linear    regression, d → 1
 *   logistic  binary classification, d → 1 logit (sigmoid)
 *   softmax   multi-class classification, d → C logits
 *   mlp       d → hidden… → 1 (regression) or C logits (classification), with an activation
 *   cnn       images only (MNIST): conv 5×5 → act → 2×2 max-pool [→ conv 3×3 → act → pool] → C logits;
 *             `hidden` holds the channels of the (one or two) conv layers
 *
 * Conv weights are [K, kh, kw, in, out]. tfjs has no grouped convolution, so a conv layer runs one
 * conv2d per model and stacks the results; everything after the flatten is batched again.
 *
 * Initialisation (seeded, in JavaScript so every backend gets the same weights): zeros; uniform
 * U(−0.05, 0.05) (Keras' RandomUniform); xavier, Glorot uniform U(±√(6/(fan_in+fan_out))); he,
 * N(0, 2/fan_in). For a conv layer fan_in = kh·kw·in and fan_out = kh·kw·out (as in PyTorch).
 * Biases start at zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../data/dataset';
import type { ParamMap } from '../optimizers/base';
import { randomCreate, randomMixSeed } from '../random';

export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp', 'cnn'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export const INITS = ['zeros', 'uniform', 'xavier', 'he'] as const;

export interface ModelSpec {
  kind: (typeof MODEL_KINDS)[number];
  /** widths of the hidden layers (mlp only) */
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  init: (typeof INITS)[number];
}

export interface Layer {
  in: number;
  out: number;
  /** conv layers only: kernel size, and the input image height/width */
  conv?: { kernel: number; inH: number; inW: number };
}

/** Square kernels of the CNN's conv layers, first to last; each is followed by a 2×2 max-pool. */
const CNN_KERNELS = [5, 3];

export interface ModelShape {
  layers: Layer[];
  /** how the outputs are read: one regression value, one binary logit, or C class logits */
  head: 'regression' | 'binary' | 'multiclass';
  activation: ModelSpec['activation'];
}

/** The layer sizes for a dataset, or a message saying why the model cannot fit it. */
export function modelShape(spec: ModelSpec, data: { task: Task; nFeatures: number; nClasses: number; image?: [number, number, number] }): ModelShape | string {
  const { task, nFeatures: d, nClasses: c } = data;
  if (spec.kind === 'cnn') return cnnShape(spec, data);
  if (spec.kind === 'linear') {
    if (task !== 'regression') return 'linear regression needs a regression dataset; use logistic, softmax or an MLP for classes';
    return { layers: [{ in: d, out: 1 }], head: 'regression', activation: spec.activation };
  }
  if (spec.kind === 'logistic') {
    if (task !== 'classification' || c !== 2) return 'logistic regression needs a dataset with exactly 2 classes; use softmax for more';
    return { layers: [{ in: d, out: 1 }], head: 'binary', activation: spec.activation };
  }
  if (spec.kind === 'softmax') {
    if (task !== 'classification') return 'softmax regression needs a classification dataset';
    return { layers: [{ in: d, out: c }], head: 'multiclass', activation: spec.activation };
  }
  const zero = hiddenWidthProblem(spec);
  if (zero) return zero;
  const widths = [d, ...spec.hidden, task === 'regression' ? 1 : c];
  return {
    layers: widths.slice(1).map((out, i) => ({ in: widths[i], out })),
    head: task === 'regression' ? 'regression' : 'multiclass',
    activation: spec.activation,
  };
}

/** The first hidden layer (or conv layer) without a whole, positive width, as a message. */
function hiddenWidthProblem(spec: ModelSpec): string | null {
  const zero = spec.hidden.findIndex((w) => !(Number.isInteger(w) && w >= 1));
  return zero >= 0 ? `hidden layer ${zero + 1} has width ${spec.hidden[zero]}: every layer needs at least one unit` : null;
}

function cnnShape(spec: ModelSpec, data: { task: Task; nFeatures: number; nClasses: number; image?: [number, number, number] }): ModelShape | string {
  if (!data.image) return `a CNN needs image data (MNIST); this dataset has ${data.nFeatures} feature${data.nFeatures === 1 ? '' : 's'} per row, not an image — use an MLP`;
  if (data.task !== 'classification') return 'the CNN classifies images; it needs a classification dataset';
  if (spec.hidden.length < 1 || spec.hidden.length > CNN_KERNELS.length) return `the CNN has 1 or 2 conv layers: give 1 or 2 channel counts (got ${spec.hidden.length})`;
  const zero = hiddenWidthProblem(spec);
  if (zero) return zero;
  let [h, w, channels] = data.image;
  const layers: Layer[] = [];
  for (let l = 0; l < spec.hidden.length; l++) {
    const kernel = CNN_KERNELS[l];
    if (h - kernel + 1 < 2 || w - kernel + 1 < 2) return `the image is too small for ${spec.hidden.length} conv layers`;
    layers.push({ in: channels, out: spec.hidden[l], conv: { kernel, inH: h, inW: w } });
    h = Math.floor((h - kernel + 1) / 2);
    w = Math.floor((w - kernel + 1) / 2);
    channels = spec.hidden[l];
  }
  layers.push({ in: h * w * channels, out: data.nClasses });
  return { layers, head: 'multiclass', activation: spec.activation };
}

/** Shape of one model's weight for a layer (without the leading K axis). */
export function layerWeightShape(layer: Layer): number[] {
  return layer.conv ? [layer.conv.kernel, layer.conv.kernel, layer.in, layer.out] : [layer.in, layer.out];
}

/** Initial weights for K models; model k uses seeds[k] (equal seeds give equal weights). */
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
          init === 'zeros' ? 0
          : init === 'uniform' ? -0.05 + 0.1 * rng.uniform()
          : init === 'xavier' ? Math.sqrt(6 / (fanIn + fanOut)) * (2 * rng.uniform() - 1)
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

/** Dropout while training: rate p, seeded per step and layer; kept units are scaled by 1/(1 − p). */
export interface ModelDropout {
  rate: number;
  seed: number;
}

/** Hidden units → dropped at rate p with a seeded mask, kept ones scaled by 1/(1 − p). */
function dropoutApply(h: tf.Tensor, dropout: ModelDropout | undefined, salt: number): tf.Tensor {
  if (!dropout || dropout.rate <= 0) return h;
  const keep = tf.cast(tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', dropout.seed + salt), dropout.rate), 'float32');
  return tf.mul(h, tf.div(keep, 1 - dropout.rate));
}

/**
 * The conv layers of K models: x [K or 1, B, H·W·C] → [K, B, features]. Valid convolution, stride 1,
 * each followed by a 2×2 max-pool. tfjs has no grouped convolution, so each model runs its own
 * conv2d (for the usual K = 1 that is one kernel per layer). Measured alternatives on the CPU
 * backend, batch 64, K = 2: conv2d 2.6 s per step (its filter gradient dominates); an im2col from
 * k×k slices batched over K, 1.9 s (strided slices dominate); im2col by gather, 60 s (its gradient
 * is a segment sum). The GPU backends run conv2d well, so conv2d it is.
 */
function convForward(shape: ModelShape, params: ParamMap, x: tf.Tensor3D, K: number): tf.Tensor3D {
  const convs = shape.layers.filter((l) => l.conv);
  const first = convs[0].conv!;
  const outs: tf.Tensor2D[] = [];
  for (let k = 0; k < K; k++) {
    const xk = tf.squeeze(tf.slice(x, [x.shape[0] === 1 ? 0 : k, 0, 0], [1, -1, -1]), [0]);
    let h: tf.Tensor4D = tf.reshape(xk, [xk.shape[0], first.inH, first.inW, convs[0].in]);
    convs.forEach((layer, l) => {
      const w = tf.reshape(tf.slice(params[`l${l}/w`], [k, 0, 0, 0, 0], [1, -1, -1, -1, -1]), layerWeightShape(layer) as [number, number, number, number]) as tf.Tensor4D;
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
export function modelForward(shape: ModelShape, params: ParamMap, x: tf.Tensor2D | tf.Tensor3D, dropout?: ModelDropout, onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const K = params['l0/w'].shape[0];
    const x3 = x.rank === 3 ? (x as tf.Tensor3D) : (tf.expandDims(x, 0) as tf.Tensor3D);
    const nConv = shape.layers.filter((l) => l.conv).length;
    let h: tf.Tensor = nConv > 0 ? convForward(shape, params, x3, K) : tf.broadcastTo(x3, [K, x3.shape[1], x3.shape[2]]);
    if (nConv > 0) h = dropoutApply(h, dropout, 99);
    for (let l = nConv; l < shape.layers.length; l++) {
      h = tf.add(tf.matMul(h as tf.Tensor3D, params[`l${l}/w`] as tf.Tensor3D), params[`l${l}/b`]);
      if (l < shape.layers.length - 1) {
        h = activate(h, shape.activation);
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
export function modelLoss(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D | tf.Tensor2D, yOneHot: tf.Tensor2D | tf.Tensor3D | null): tf.Tensor1D {
  return tf.tidy(() => {
    if (shape.head === 'regression') return tf.mean(tf.square(tf.sub(tf.squeeze(out, [2]), y)), 1) as tf.Tensor1D;
    if (shape.head === 'binary') {
      // stable sigmoid cross-entropy with logits: max(z, 0) − z·y + log(1 + e^−|z|)
      const z = tf.squeeze(out, [2]);
      const l = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      return tf.mean(l, 1) as tf.Tensor1D;
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(yOneHot!, tf.logSoftmax(out)), 2), 1)) as tf.Tensor1D;
  });
}

/** Share of correct predictions of each model: [K] (classification only). */
export function modelAccuracy(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D | tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const predicted = tf.cast(modelPredict(shape, out), 'float32');
    return tf.mean(tf.cast(tf.equal(predicted, y), 'float32'), 1) as tf.Tensor1D;
  });
}

/** Number of weights and biases in one model. */
export function modelParamCount(shape: ModelShape): number {
  return shape.layers.reduce((sum, l) => sum + layerWeightShape(l).reduce((a, b) => a * b, 1) + l.out, 0);
}

/** Sum of squares of each model's tensor over every axis but the first: [K]. */
export function perModelSumSquares(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.reshape(t, [t.shape[0], -1])), 1) as tf.Tensor1D);
}

/** Predicted class of each model for each row: [K, B] (classification heads). */
export function modelPredict(shape: ModelShape, out: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => (shape.head === 'binary' ? tf.cast(tf.greater(tf.squeeze(out, [2]), 0), 'int32') : tf.argMax(out, 2)) as tf.Tensor2D);
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
