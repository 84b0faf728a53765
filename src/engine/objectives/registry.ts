/**
 * 2-D test functions, batched: [N, 2] → [N]. Written with the same operation order as the PyTorch
 * reference in scripts/make_torch_fixtures.py so that float32 trajectories agree.
 * Domains, minima and formulas follow Surjanovic & Bingham's Virtual Library of Simulation Experiments.
 */
import * as tf from '@tensorflow/tfjs-core';

export const OBJECTIVE_NAMES = ['rosenbrock', 'beale', 'himmelblau', 'booth', 'rastrigin', 'ackley', 'saddle', 'quadratic'] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];
export type Point = [number, number];

export interface ObjectiveParamMeta {
  key: string;
  label: string;
  description: string;
  default: number;
  min: number;
  max: number;
  scale: 'log' | 'linear';
}

export interface ObjectiveMeta {
  name: ObjectiveName;
  label: string;
  /** LaTeX */
  formula: string;
  description: string;
  domain: { x: [number, number]; y: [number, number] };
  /** global minima (empty when the function is unbounded below) */
  minima: (params: Record<string, number>) => Point[];
  /** value at the global minima */
  minValue: number | null;
  /** a start point that shows something interesting */
  start: Point;
  params: ObjectiveParamMeta[];
  /** batched value: [N, 2] → [N] */
  fn: (xy: tf.Tensor2D, params: Record<string, number>) => tf.Tensor1D;
}

const split = (xy: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] => {
  const [x, y] = tf.unstack(xy, 1) as [tf.Tensor1D, tf.Tensor1D];
  return [x, y];
};
const sq = (a: tf.Tensor) => tf.mul(a, a);

export const OBJECTIVES: Record<ObjectiveName, ObjectiveMeta> = {
  rosenbrock: {
    name: 'rosenbrock', label: 'Rosenbrock', formula: '(1-x)^2 + 100\\,(y-x^2)^2',
    description: 'A long, curved, flat-bottomed valley: easy to find, slow to follow to the minimum at (1, 1).',
    domain: { x: [-2, 2], y: [-1, 3] }, minima: () => [[1, 1]], minValue: 0, start: [-1.2, 1], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      const oneMinusX = tf.sub(1, x);
      const valley = tf.sub(y, tf.mul(x, x));
      return tf.add(tf.mul(oneMinusX, oneMinusX), tf.mul(100, tf.mul(valley, valley)));
    }),
  },
  beale: {
    name: 'beale', label: 'Beale',
    formula: '(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2',
    description: 'Sharp ridges and a flat plateau around the minimum at (3, 0.5).',
    domain: { x: [-4.5, 4.5], y: [-4.5, 4.5] }, minima: () => [[3, 0.5]], minValue: 0, start: [1, 1.5], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      const xy1 = tf.mul(x, y);
      const xy2 = tf.mul(xy1, y);
      const xy3 = tf.mul(xy2, y);
      const a = tf.add(tf.sub(1.5, x), xy1);
      const b = tf.add(tf.sub(2.25, x), xy2);
      const c = tf.add(tf.sub(2.625, x), xy3);
      return tf.add(tf.add(sq(a), sq(b)), sq(c));
    }),
  },
  himmelblau: {
    name: 'himmelblau', label: 'Himmelblau', formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    description: 'Four equal minima: where a run ends depends on where it starts (try the basin map).',
    domain: { x: [-5, 5], y: [-5, 5] },
    minima: () => [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]],
    minValue: 0, start: [0, 0], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      const a = tf.sub(tf.add(tf.mul(x, x), y), 11);
      const b = tf.sub(tf.add(x, tf.mul(y, y)), 7);
      return tf.add(sq(a), sq(b));
    }),
  },
  booth: {
    name: 'booth', label: 'Booth', formula: '(x + 2y - 7)^2 + (2x + y - 5)^2',
    description: 'A plain convex bowl, slightly stretched: every sensible optimizer gets to (1, 3).',
    domain: { x: [-10, 10], y: [-10, 10] }, minima: () => [[1, 3]], minValue: 0, start: [-8, -6], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      const a = tf.sub(tf.add(x, tf.mul(2, y)), 7);
      const b = tf.sub(tf.add(tf.mul(2, x), y), 5);
      return tf.add(sq(a), sq(b));
    }),
  },
  rastrigin: {
    name: 'rastrigin', label: 'Rastrigin', formula: '20 + x^2 - 10\\cos 2\\pi x + y^2 - 10\\cos 2\\pi y',
    description: 'A bowl covered in regularly spaced local minima: small steps get trapped.',
    domain: { x: [-5.12, 5.12], y: [-5.12, 5.12] }, minima: () => [[0, 0]], minValue: 0, start: [2.6, -3.4], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      const term = (v: tf.Tensor1D) => tf.sub(tf.mul(v, v), tf.mul(10, tf.cos(tf.mul(2 * Math.PI, v))));
      return tf.add(20, tf.add(term(x), term(y))) as tf.Tensor1D;
    }),
  },
  ackley: {
    name: 'ackley', label: 'Ackley',
    formula: '-20\\,e^{-0.2\\sqrt{(x^2+y^2)/2}} - e^{(\\cos 2\\pi x + \\cos 2\\pi y)/2} + e + 20',
    description: 'A nearly flat, bumpy plain with one deep hole at the origin.',
    domain: { x: [-5, 5], y: [-5, 5] }, minima: () => [[0, 0]], minValue: 0, start: [3.5, -4], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      // 1e-12 keeps the gradient of √ finite at the origin
      const r = tf.sqrt(tf.add(tf.mul(0.5, tf.add(tf.mul(x, x), tf.mul(y, y))), 1e-12));
      const a = tf.mul(-20, tf.exp(tf.mul(-0.2, r)));
      const b = tf.exp(tf.mul(0.5, tf.add(tf.cos(tf.mul(2 * Math.PI, x)), tf.cos(tf.mul(2 * Math.PI, y)))));
      return tf.add(tf.sub(a, b), Math.E + 20) as tf.Tensor1D;
    }),
  },
  saddle: {
    name: 'saddle', label: 'Saddle', formula: 'x^2 - y^2',
    description: 'A saddle point at the origin: the gradient vanishes there, but it is no minimum. Unbounded below.',
    domain: { x: [-2, 2], y: [-2, 2] }, minima: () => [], minValue: null, start: [1, 0.001], params: [],
    fn: (xy) => tf.tidy(() => {
      const [x, y] = split(xy);
      return tf.sub(tf.mul(x, x), tf.mul(y, y));
    }),
  },
  quadratic: {
    name: 'quadratic', label: 'Ill-conditioned quadratic',
    formula: '\\tfrac12\\,(u^2 + \\kappa v^2),\\ \\ (u, v) = R_\\phi\\,(x, y)',
    description: 'A stretched, rotated bowl: with condition number κ, gradient descent zig-zags across the valley.',
    domain: { x: [-3, 3], y: [-3, 3] }, minima: () => [[0, 0]], minValue: 0, start: [-2.5, 1.5],
    params: [
      { key: 'condition', label: 'condition number κ', description: 'ratio of the largest to the smallest curvature', default: 10, min: 1, max: 1000, scale: 'log' },
      { key: 'angle', label: 'rotation φ (degrees)', description: 'rotation of the valley', default: 30, min: -90, max: 90, scale: 'linear' },
    ],
    fn: (xy, params) => tf.tidy(() => {
      const [x, y] = split(xy);
      const phi = (params.angle * Math.PI) / 180;
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      const u = tf.add(tf.mul(c, x), tf.mul(s, y));
      const v = tf.add(tf.mul(-s, x), tf.mul(c, y));
      return tf.mul(0.5, tf.add(tf.mul(u, u), tf.mul(params.condition, tf.mul(v, v)))) as tf.Tensor1D;
    }),
  },
};

/** Objective parameters with defaults filled in. */
export function objectiveParams(name: ObjectiveName, given: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of OBJECTIVES[name].params) out[p.key] = given[p.key] ?? p.default;
  return out;
}

/** Value and gradient of the objective at each row of xy; the caller disposes both. */
export function objectiveValueAndGrad(
  name: ObjectiveName,
  params: Record<string, number>,
  xy: tf.Tensor2D,
): { value: tf.Tensor1D; grad: tf.Tensor2D } {
  const f = OBJECTIVES[name].fn;
  // Rows are independent, so seeding the backward pass with ones gives each row's own gradient.
  const seed = tf.ones([xy.shape[0]]);
  const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => f(p as tf.Tensor2D, params) as tf.Tensor)(xy, seed as tf.Tensor);
  seed.dispose();
  return { value: value as tf.Tensor1D, grad: grad as tf.Tensor2D };
}
