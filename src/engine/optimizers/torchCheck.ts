/**
 * Our optimizers against torch.optim trajectories (src/engine/__fixtures__/torch_optimizers.json,
 * made by scripts/make_torch_fixtures.py with Debian's python3-torch). Each case is 150 steps on a
 * 2-D function. Shared by the unit tests (tfjs cpu backend) and the self-test page, which runs the
 * same cases on webgpu and webgl in the browser (e2e/selftest.spec.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import fixtures from '../__fixtures__/torch_optimizers.json';
import { objectiveParams, type ObjectiveName } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { optimizerCreate } from './create';
import { adamFusionSet, adamStepKernel } from './fusedAdam';
import { stepFusionOn, stepFusionSet } from './fusedStep';
import type { OptimizerName } from './registry';

export interface TorchCase {
  optimizer: OptimizerName;
  hyper: Record<string, number | boolean>;
  objective: ObjectiveName;
  start: [number, number];
  steps: number;
  path: [number, number][];
  loss: number[];
}

export const TORCH_CASES = fixtures.cases as unknown as TorchCase[];
/** the torch version that made the fixtures */
export const TORCH_VERSION = String(fixtures.torch);

/** Max of |a − b| / max(1, |b|) over two equally long arrays (NaN counts as infinitely wrong). */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  }
  return worst;
}

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
  const opt = optimizerCreate(
    name,
    rows.map((c) => c.hyper),
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

/** Every fixture on the current backend, each run alone: its worst relative error against torch. */
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
  return out;
}

/**
 * One optimizer on a parameter of `shape`, one row per rate, for `steps` steps of seeded gradients;
 * `fusedAt(s)` says whether step s may use the fused kernels (fusedAdam.ts, fusedStep.ts). The final θ.
 */
async function optimizerRun(
  name: OptimizerName,
  hyper: Record<string, number | boolean>,
  shape: number[],
  rates: number[],
  steps: number,
  fusedAt: (s: number) => boolean,
): Promise<Float32Array> {
  const opt = optimizerCreate(
    name,
    rates.map((lr) => ({ ...hyper, lr })),
  );
  let p = tf.randomNormal(shape, 0, 1, 'float32', 1);
  try {
    for (let s = 0; s < steps; s++) {
      adamFusionSet(fusedAt(s));
      stepFusionSet(fusedAt(s));
      const g = tf.tidy(() => tf.add(tf.mul(p, 0.5), tf.randomNormal(shape, 0, 1, 'float32', 2 + s)));
      const next = opt.step({ p }, { p: g }, rates).p;
      tf.dispose([p, g]);
      p = next;
    }
  } finally {
    adamFusionSet(true);
    stepFusionSet(true);
  }
  const out = (await p.data()) as Float32Array;
  p.dispose();
  opt.dispose();
  return out;
}

const always = () => true;
const never = () => false;

/** Runs `label`'s optimizer once fused as `fusedAt` says and once as `reference` says: the worst relative difference. */
async function fusionCompare(
  label: string,
  name: OptimizerName,
  hyper: Record<string, number | boolean>,
  shape: number[],
  rates: number[],
  steps: number,
  fusedAt: (s: number) => boolean,
  reference: (s: number) => boolean,
) {
  return {
    label,
    maxRelError: maxRelError(
      await optimizerRun(name, hyper, shape, rates, steps, fusedAt),
      await optimizerRun(name, hyper, shape, rates, steps, reference),
    ),
  };
}

/**
 * Adam and AdamW (with weight decay) for 5 steps on parameters of awkward shapes, once with the
 * fused kernel of the current backend and once with tf ops, from the same values: the worst relative
 * difference per shape; also a three-rate sweep and a run that alternates both paths. `fused` says
 * whether this backend has the kernel at all.
 */
export async function adamFusionCheck(): Promise<{
  fused: boolean;
  results: { label: string; maxRelError: number }[];
}> {
  const fused = adamStepKernel();
  const results: { label: string; maxRelError: number }[] = [];
  const decay = { weightDecay: 0.05 };
  for (const name of ['adam', 'adamw'] as const) {
    for (const shape of [
      [1, 2],
      [1, 10],
      [3, 7, 5],
      [1, 784, 128],
    ])
      results.push(await fusionCompare(`${name} ${shape.join('×')}`, name, decay, shape, [0.01], 5, always, never));
  }
  // a sweep: three rows with their own learning rates step through the fused kernel with per-row step sizes
  for (const name of ['adam', 'adamw'] as const) {
    results.push(
      await fusionCompare(
        `${name} 3×7×5, a row per learning rate (0.01, 0.03, 0.1)`,
        name,
        decay,
        [3, 7, 5],
        [0.01, 0.03, 0.1],
        5,
        always,
        never,
      ),
    );
  }
  // rows whose rates part and meet again step in tf ops, then fused: the state moves between m and v
  // apart and stacked without a step lost
  for (const shape of [
    [1, 10],
    [3, 7, 5],
  ]) {
    results.push(
      await fusionCompare(
        `adam ${shape.join('×')}, fused and tf-op steps in turn`,
        'adam',
        decay,
        shape,
        [0.01],
        6,
        (s) => s % 3 !== 1,
        always,
      ),
    );
  }
  return { fused, results };
}

/** The rules fusedStep.ts runs, with the options that change their code. */
const STEP_FUSION_CASES: { name: OptimizerName; hyper: Record<string, number | boolean> }[] = [
  { name: 'sgd', hyper: {} },
  { name: 'sgd', hyper: { momentum: 0.9, dampening: 0.1, weightDecay: 0.05 } },
  { name: 'sgd', hyper: { momentum: 0.9, nesterov: true } },
  { name: 'rmsprop', hyper: {} },
  { name: 'rmsprop', hyper: { centered: true, momentum: 0.5, weightDecay: 0.05 } },
  { name: 'adagrad', hyper: { lrDecay: 0.1, initialAccumulatorValue: 0.2, weightDecay: 0.05 } },
  { name: 'adadelta', hyper: { weightDecay: 0.05 } },
  { name: 'adamax', hyper: { weightDecay: 0.05 } },
  { name: 'nadam', hyper: { weightDecay: 0.05, momentumDecay: 0.01 } },
];

/**
 * Every optimizer's fused rule (fusedStep.ts) against its tf-op path, 5 steps from the same values on
 * awkward shapes (odd sizes, rank 3, a 784×128 layer), and a run that switches between the two paths
 * (the state moves between stacked and apart). `fused` says whether this backend has the kernel.
 */
export async function stepFusionCheck(): Promise<{
  fused: boolean;
  results: { label: string; maxRelError: number }[];
}> {
  const fused = stepFusionOn();
  const results: { label: string; maxRelError: number }[] = [];
  for (const { name, hyper } of STEP_FUSION_CASES) {
    const label = `${name} ${JSON.stringify(hyper)}`;
    for (const shape of [
      [1, 2],
      [3, 7, 5],
      [1, 784, 128],
    ])
      results.push(await fusionCompare(`${label} ${shape.join('×')}`, name, hyper, shape, [0.01], 5, always, never));
    results.push(
      await fusionCompare(
        `${label} 3×7×5, fused and tf-op steps in turn`,
        name,
        hyper,
        [3, 7, 5],
        [0.01],
        6,
        (s) => s % 3 !== 1,
        never,
      ),
    );
  }
  return { fused, results };
}
