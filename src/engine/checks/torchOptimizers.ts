/**
 * Our optimizers against torch.optim trajectories (__fixtures__/torch_optimizers.json, made by
 * scripts/make_torch_fixtures.py with Debian's python3-torch), 150 steps each on a 2-D function. The
 * unit tests run them on cpu, the self-test page on webgpu and webgl (through the fused step).
 */
import * as tf from '@tensorflow/tfjs-core';
import fixtures from '../__fixtures__/torch_optimizers.json';
import { objectiveParams, type ObjectiveName } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { optimizerCreate } from '../optimizers/optimizer';
import type { OptimizerName } from '../optimizers/registry';
import { maxRelError } from './compare';

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
