/**
 * The objectives as tensor functions (batched: [N, 2] → [N]) and their gradients. Kept apart from
 * registry.ts, which holds what the page shows (names, formulas, domains, minima), so that the page
 * bundle does not load tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ObjectiveName } from './registry';
import { gradientsGuarded } from '../tape';

const split = (xy: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] => {
  const [x, y] = tf.unstack(xy, 1) as [tf.Tensor1D, tf.Tensor1D];
  return [x, y];
};
const sq = (a: tf.Tensor) => tf.mul(a, a);

export const OBJECTIVE_FNS: Record<ObjectiveName, (xy: tf.Tensor2D, params: Record<string, number>) => tf.Tensor1D> = {
  rosenbrock: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const oneMinusX = tf.sub(1, x);
      const valley = tf.sub(y, tf.mul(x, x));
      return tf.add(tf.mul(oneMinusX, oneMinusX), tf.mul(100, tf.mul(valley, valley)));
    }),
  beale: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const xy1 = tf.mul(x, y);
      const xy2 = tf.mul(xy1, y);
      const xy3 = tf.mul(xy2, y);
      const a = tf.add(tf.sub(1.5, x), xy1);
      const b = tf.add(tf.sub(2.25, x), xy2);
      const c = tf.add(tf.sub(2.625, x), xy3);
      return tf.add(tf.add(sq(a), sq(b)), sq(c));
    }),
  himmelblau: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const a = tf.sub(tf.add(tf.mul(x, x), y), 11);
      const b = tf.sub(tf.add(x, tf.mul(y, y)), 7);
      return tf.add(sq(a), sq(b));
    }),
  booth: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const a = tf.sub(tf.add(x, tf.mul(2, y)), 7);
      const b = tf.sub(tf.add(tf.mul(2, x), y), 5);
      return tf.add(sq(a), sq(b));
    }),
  rastrigin: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const term = (v: tf.Tensor1D) => tf.sub(tf.mul(v, v), tf.mul(10, tf.cos(tf.mul(2 * Math.PI, v))));
      return tf.add(20, tf.add(term(x), term(y))) as tf.Tensor1D;
    }),
  ackley: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      // 1e-12 keeps the gradient of √ finite at the origin
      const r = tf.sqrt(tf.add(tf.mul(0.5, tf.add(tf.mul(x, x), tf.mul(y, y))), 1e-12));
      const a = tf.mul(-20, tf.exp(tf.mul(-0.2, r)));
      const b = tf.exp(tf.mul(0.5, tf.add(tf.cos(tf.mul(2 * Math.PI, x)), tf.cos(tf.mul(2 * Math.PI, y)))));
      return tf.add(tf.sub(a, b), Math.E + 20) as tf.Tensor1D;
    }),
  saddle: (xy) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      return tf.sub(tf.mul(x, x), tf.mul(y, y));
    }),
  quadratic: (xy, params) =>
    tf.tidy(() => {
      const [x, y] = split(xy);
      const phi = (params.angle * Math.PI) / 180;
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      const u = tf.add(tf.mul(c, x), tf.mul(s, y));
      const v = tf.add(tf.mul(-s, x), tf.mul(c, y));
      return tf.mul(0.5, tf.add(tf.mul(u, u), tf.mul(params.condition, tf.mul(v, v)))) as tf.Tensor1D;
    }),
};

/** Value and gradient of the objective at each row of xy; the caller disposes both. */
export function objectiveValueAndGrad(
  name: ObjectiveName,
  params: Record<string, number>,
  xy: tf.Tensor2D,
): { value: tf.Tensor1D; grad: tf.Tensor2D } {
  const f = OBJECTIVE_FNS[name];
  // Rows are independent, so seeding the backward pass with ones gives each row's own gradient.
  const seed = tf.ones([xy.shape[0]]);
  let out: { value: tf.Tensor; grad: tf.Tensor };
  try {
    out = gradientsGuarded(() =>
      tf.valueAndGrad((p: tf.Tensor) => f(p as tf.Tensor2D, params) as tf.Tensor)(xy, seed as tf.Tensor),
    );
  } finally {
    seed.dispose();
  }
  const { value, grad } = out;
  return { value: value as tf.Tensor1D, grad: grad as tf.Tensor2D };
}
