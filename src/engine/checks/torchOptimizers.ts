/**
 * Our optimizers against torch.optim trajectories (__fixtures__/torch_optimizers.json, made by
 * scripts/make_torch_fixtures.py with Debian's python3-torch), 150 steps each on a 2-D function. The
 * unit tests run them on cpu, the self-test page on webgpu and webgl (through the fused step).
 */
import * as tf from '@tensorflow/tfjs-core';
import fixtures from '../__fixtures__/torch_optimizers.json';
import { objectiveParams, type ObjectiveName } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { Lbfgs, type LbfgsSettings } from '../optimizers/lbfgsStep';
import { objectiveClosure } from '../surface/runSurface';
import { optimizerCreate } from '../optimizers/optimizer';
import { optimizerWithDefaults, type OptimizerName } from '../optimizers/registry';
import { maxRelError } from './compare';

export interface TorchCase {
  optimizer: OptimizerName;
  hyper: Record<string, number | boolean>;
  objective: ObjectiveName;
  start: [number, number];
  steps: number;
  path: [number, number][];
  loss: number[];
  /** ASGD: the averaged parameters θ̄ after the last step */
  average?: [number, number];
}

export const TORCH_CASES = fixtures.cases as unknown as TorchCase[];

/** Least squares in a matrix and a bias, f(W, b) = ½‖XW + b − Y‖²: the factored and matrix steps (Adafactor, Muon). */
export interface MatrixCase {
  optimizer: OptimizerName;
  hyper: Record<string, number | boolean>;
  X: number[][];
  Y: number[][];
  W0: number[][];
  b0: number[];
  steps: number;
  /** after the last step */
  W: number[][];
  b: number[];
  /** f before each step, and after the last */
  loss: number[];
}

export const MATRIX_CASES = fixtures.matrixCases as unknown as MatrixCase[];

/** One matrix case on the current backend: W [1, in, out] (a matrix per run), b [1, out] (a vector). */
export async function matrixTrajectory(c: MatrixCase): Promise<{ W: number[]; b: number[]; loss: number[] }> {
  const opt = optimizerCreate(c.optimizer, [c.hyper]);
  const X = tf.tensor2d(c.X);
  const Y = tf.tensor2d(c.Y);
  let W: tf.Tensor = tf.tensor3d([c.W0]);
  let b: tf.Tensor = tf.tensor2d([c.b0]);
  const losses: tf.Tensor[] = [];
  const lossOf = (w: tf.Tensor, bias: tf.Tensor) =>
    tf.tidy(() => {
      const r = tf.sub(tf.add(tf.matMul(X, tf.squeeze(w, [0]) as tf.Tensor2D), bias), Y);
      return { r, loss: tf.mul(0.5, tf.sum(tf.square(r))) };
    });
  try {
    for (let s = 0; s < c.steps; s++) {
      const { r, loss } = lossOf(W, b);
      losses.push(loss);
      const grads = tf.tidy(() => ({
        W: tf.expandDims(tf.matMul(X, r, true, false), 0),
        b: tf.expandDims(tf.sum(r, 0), 0),
      }));
      const next = opt.step({ W, b }, grads, [Number(c.hyper.lr)]);
      tf.dispose([r, grads.W, grads.b, W, b]);
      ({ W, b } = next);
    }
    const { r, loss } = lossOf(W, b);
    r.dispose();
    losses.push(loss);
    const all = tf.stack(losses);
    const out = { W: Array.from(await W.data()), b: Array.from(await b.data()), loss: Array.from(await all.data()) };
    all.dispose();
    return out;
  } finally {
    tf.dispose([X, Y, W, b, ...losses]);
    opt.dispose();
  }
}
/** L-BFGS: one torch `optimizer.step(closure)` per step; evaluations[i] is how often step i ran the closure. */
export interface LbfgsCase extends TorchCase {
  evaluations: number[];
}

export const LBFGS_CASES = fixtures.lbfgsCases as unknown as LbfgsCase[];

/** One L-BFGS case on the current backend: the path (flat), the loss at each step's start and the evaluations. */
export async function lbfgsTrajectory(
  c: LbfgsCase,
): Promise<{ path: number[]; loss: number[]; evaluations: number[] }> {
  const opt = new Lbfgs(optimizerWithDefaults('lbfgs', c.hyper) as unknown as LbfgsSettings);
  const params = objectiveParams(c.objective);
  const closure = objectiveClosure(c.objective, params);
  let x: tf.Tensor1D = tf.tensor1d(c.start);
  const path = [...c.start];
  const loss: number[] = [];
  const evaluations: number[] = [];
  try {
    for (let s = 0; s < c.steps; s++) {
      const r = await opt.step(x, Number(optimizerWithDefaults('lbfgs', c.hyper).lr), closure);
      r.grad.dispose();
      x.dispose();
      x = r.x;
      path.push(...(await x.data()));
      loss.push(r.loss);
      evaluations.push(r.evaluations);
    }
    return { path, loss, evaluations };
  } finally {
    x.dispose();
    opt.dispose();
  }
}

/** the torch version that made the fixtures */
export const TORCH_VERSION = String(fixtures.torch);

/**
 * Runs rows of one optimizer together from their start points; returns each row's flat path. The
 * points stay on the backend until the end and come back in one asynchronous read (150 synchronous
 * reads per case lost the WebGPU device on SwiftShader).
 */
export async function optimizerTrajectories(
  name: OptimizerName,
  objective: ObjectiveName,
  rows: TorchCase[],
): Promise<number[][]> {
  // θ = (x, y) is one 1×2 matrix per run (Muon), as on the surface
  const opt = optimizerCreate(
    name,
    rows.map((c) => c.hyper),
    { vectorsAsMatrices: true },
  );
  const params = objectiveParams(objective);
  const points: tf.Tensor2D[] = [tf.tensor2d(rows.map((c) => c.start))];
  for (let s = 0; s < rows[0].steps; s++) {
    const xy = points[points.length - 1];
    const { value, grad } = objectiveValueAndGrad(objective, params, xy);
    points.push(
      opt.step(
        { xy },
        { xy: grad },
        rows.map((c) => Number(c.hyper.lr)),
      ).xy as tf.Tensor2D,
    );
    tf.dispose([value, grad]);
  }
  const all = tf.stack(points); // [steps + 1, rows, 2]
  tf.dispose(points);
  opt.dispose();
  const flat = await all.data();
  all.dispose();
  const stride = rows.length * 2;
  return rows.map((_, r) =>
    Array.from({ length: (rows[0].steps + 1) * 2 }, (_, i) => flat[Math.floor(i / 2) * stride + 2 * r + (i % 2)]),
  );
}

/** Every fixture on the current backend, each run alone: its worst relative error against the reference. */
export async function torchCheckAll(): Promise<{ label: string; optimizer: OptimizerName; maxRelError: number }[]> {
  const out = [];
  for (const c of TORCH_CASES) {
    const [path] = await optimizerTrajectories(c.optimizer, c.objective, [c]);
    out.push({
      label: `${c.optimizer} ${JSON.stringify(c.hyper)} on ${c.objective}`,
      optimizer: c.optimizer,
      maxRelError: maxRelError(path, c.path.flat()),
    });
  }
  for (const c of LBFGS_CASES) {
    const ours = await lbfgsTrajectory(c);
    const sameEvaluations = ours.evaluations.every((e, i) => e === c.evaluations[i]);
    out.push({
      label: `lbfgs ${JSON.stringify(c.hyper)} on ${c.objective}, ${c.steps} steps`,
      optimizer: c.optimizer,
      // a different number of evaluations is a different algorithm, whatever the path
      maxRelError: sameEvaluations ? maxRelError(ours.path, c.path.flat()) : Infinity,
    });
  }
  for (const c of MATRIX_CASES) {
    const ours = await matrixTrajectory(c);
    out.push({
      label: `${c.optimizer} ${JSON.stringify(c.hyper)} on least squares W ${c.W0.length}×${c.W0[0].length}, b`,
      optimizer: c.optimizer,
      maxRelError: maxRelError([...ours.W, ...ours.b], [...c.W.flat(), ...c.b]),
    });
  }
  return out;
}
