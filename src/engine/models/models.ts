/**
 * Functional models: parameters plus a forward function, so later labs can mask, quantize and
 * distill them. Every parameter carries a leading axis of K independent models ([K, in, out]), so K
 * runs (a learning-rate sweep, several seeds) train in the same kernels.
 *
 *   linear    regression, d → 1
 *   logistic  binary classification, d → 1 logit (sigmoid)
 *   softmax   multi-class classification, d → C logits
 *   mlp       d → hidden… → 1 (regression) or C logits (classification), with an activation
 *
 * Initialisation (seeded, in JavaScript so every backend gets the same weights): zeros; uniform
 * U(−0.05, 0.05) (Keras' RandomUniform); xavier, Glorot uniform U(±√(6/(in+out))); he, N(0, 2/in).
 * Biases start at zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../data/dataset';
import type { ParamMap } from '../optimizers/base';
import { randomCreate, randomMixSeed } from '../random';

export const MODEL_KINDS = ['linear', 'logistic', 'softmax', 'mlp'] as const;
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
}

export interface ModelShape {
  layers: Layer[];
  /** how the outputs are read: one regression value, one binary logit, or C class logits */
  head: 'regression' | 'binary' | 'multiclass';
  activation: ModelSpec['activation'];
}

/** The layer sizes for a dataset, or a message saying why the model cannot fit it. */
export function modelShape(spec: ModelSpec, data: { task: Task; nFeatures: number; nClasses: number }): ModelShape | string {
  const { task, nFeatures: d, nClasses: c } = data;
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
  const zero = spec.hidden.findIndex((w) => !(Number.isInteger(w) && w >= 1));
  if (zero >= 0) return `hidden layer ${zero + 1} has width ${spec.hidden[zero]}: every layer needs at least one unit`;
  const widths = [d, ...spec.hidden, task === 'regression' ? 1 : c];
  return {
    layers: widths.slice(1).map((out, i) => ({ in: widths[i], out })),
    head: task === 'regression' ? 'regression' : 'multiclass',
    activation: spec.activation,
  };
}

/** Initial weights for K models; model k uses seeds[k] (equal seeds give equal weights). */
export function modelInit(shape: ModelShape, init: ModelSpec['init'], seeds: number[]): ParamMap {
  const K = seeds.length;
  const params: ParamMap = {};
  shape.layers.forEach((layer, l) => {
    const w = new Float32Array(K * layer.in * layer.out);
    seeds.forEach((seed, k) => {
      const rng = randomCreate(randomMixSeed(seed, l, 0x1417));
      const base = k * layer.in * layer.out;
      for (let i = 0; i < layer.in * layer.out; i++) {
        w[base + i] =
          init === 'zeros' ? 0
          : init === 'uniform' ? -0.05 + 0.1 * rng.uniform()
          : init === 'xavier' ? Math.sqrt(6 / (layer.in + layer.out)) * (2 * rng.uniform() - 1)
          : Math.sqrt(2 / layer.in) * rng.normal();
      }
    });
    params[`l${l}/w`] = tf.tensor3d(w, [K, layer.in, layer.out]);
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

/** Outputs of K models for a batch x [B, d]: [K, B, out] (logits for classification). */
export function modelForward(shape: ModelShape, params: ParamMap, x: tf.Tensor2D, dropout?: ModelDropout): tf.Tensor3D {
  return tf.tidy(() => {
    const K = params['l0/w'].shape[0];
    let h: tf.Tensor = tf.broadcastTo(tf.expandDims(x, 0), [K, x.shape[0], x.shape[1]]);
    shape.layers.forEach((_, l) => {
      h = tf.add(tf.matMul(h as tf.Tensor3D, params[`l${l}/w`] as tf.Tensor3D), params[`l${l}/b`]);
      if (l < shape.layers.length - 1) {
        h = activate(h, shape.activation);
        if (dropout && dropout.rate > 0) {
          // inverted dropout on hidden units; the mask is drawn in JavaScript from the seed, so every backend agrees
          const keep = tf.cast(tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', dropout.seed + l), dropout.rate), 'float32');
          h = tf.mul(h, tf.div(keep, 1 - dropout.rate));
        }
      }
    });
    return h as tf.Tensor3D;
  });
}

/**
 * Mean loss of each model over the batch: [K]. y holds class indices or targets [B]; yOneHot the
 * one-hot labels [B, C] for multiclass heads.
 */
export function modelLoss(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D, yOneHot: tf.Tensor2D | null): tf.Tensor1D {
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
export function modelAccuracy(shape: ModelShape, out: tf.Tensor3D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const predicted = shape.head === 'binary' ? tf.cast(tf.greater(tf.squeeze(out, [2]), 0), 'float32') : tf.cast(tf.argMax(out, 2), 'float32');
    return tf.mean(tf.cast(tf.equal(predicted, y), 'float32'), 1) as tf.Tensor1D;
  });
}

/** Number of weights and biases in one model. */
export function modelParamCount(shape: ModelShape): number {
  return shape.layers.reduce((sum, l) => sum + l.in * l.out + l.out, 0);
}
