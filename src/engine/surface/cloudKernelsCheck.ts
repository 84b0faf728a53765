/**
 * The particle cloud's programs (cloudKernels.ts) against tf ops on the current backend; the self-test
 * page runs it on webgpu and webgl. Apart from the kernels so that the app's bundle does not carry the
 * checks (nor, through maxRelError, the torch fixtures).
 */
import * as tf from '@tensorflow/tfjs-core';
import { OBJECTIVES, objectiveParams, type ObjectiveName, type Point } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { maxRelError } from '../optimizers/torchCheck';
import { cloudKernelsOn, cloudReachedFused, objectiveGradFused } from './cloudKernels';

export interface CloudKernelCase {
  label: string;
  /** largest |fused − tf ops| / max(1, |tf ops|) */
  maxRelError: number;
}

/** Points spread over [−4.5, 4.5]², with up to two exact minima among them. */
function checkPoints(n: number, minima: Point[]): Float32Array {
  const out = Float32Array.from({ length: 2 * n }, (_, i) => 4.5 * Math.sin(i * 0.73 + 0.4));
  minima.slice(0, Math.min(2, n - 1)).forEach(([x, y], k) => out.set([x, y], 2 * (k + 1)));
  return out;
}

/**
 * The cloud's programs against tf ops on the current backend: every objective's gradient against
 * autodiff of objectives/tensor.ts (an odd count, so the padding row of WebGL's packed texels is
 * reached, and 1), and the reached bookkeeping against the tf-op rule over a few steps, with particles
 * already reached, newly reached, never reached and NaN. Every objective with its default parameters,
 * and the quadratic once more rotated the other way and stretched. Empty where there are no such
 * programs (cpu).
 */
export async function cloudKernelsCheck(): Promise<CloudKernelCase[]> {
  if (!cloudKernelsOn()) return [];
  const objectives = (Object.keys(OBJECTIVES) as ObjectiveName[]).map((name) => ({
    name,
    params: objectiveParams(name),
  }));
  objectives.push({ name: 'quadratic', params: objectiveParams('quadratic', { condition: 250, angle: -55 }) });
  const results: CloudKernelCase[] = [];
  for (const { name, params } of objectives) {
    const minima = OBJECTIVES[name].minima(params);
    for (const n of [37, 1]) {
      const xy = tf.tensor2d(checkPoints(n, minima), [n, 2]);
      const [fused, ref] = tf.tidy(() => {
        const { value, grad } = objectiveValueAndGrad(name, params, xy);
        value.dispose();
        return [objectiveGradFused(name, params, xy), grad];
      });
      const shown = Object.entries(params)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      results.push({
        label: `${name}${shown ? ` (${shown})` : ''} gradient, ${n} point${n > 1 ? 's' : ''}`,
        maxRelError: maxRelError(await fused.data(), await ref.data()),
      });
      tf.dispose([xy, fused, ref]);
    }
  }
  // reached: minima of Himmelblau; rows 0–1 start reached, the rest walk towards a minimum one step at a time
  const minima: Point[] = [
    [3, 2],
    [-2.805118, 3.131312],
  ];
  const epsilon = 0.05;
  const n = 9;
  const start = Float32Array.from({ length: n }, (_, i) => (i === 0 ? 4 : i === 1 ? 0 : -1));
  let fused: tf.Tensor1D = tf.tensor1d(start);
  let ref: tf.Tensor1D = tf.tensor1d(start);
  for (let step = 1; step <= 4; step++) {
    // row i is at distance 0.02·|i − 2·step| from a minimum (within ε when ≤ 2), row 8 is NaN
    const pts = Float32Array.from({ length: 2 * n }, (_, k) => {
      const i = k >> 1;
      if (i === 8) return NaN;
      const [mx, my] = minima[i % 2];
      return k % 2 === 0 ? mx + 0.02 * Math.abs(i - 2 * step) : my;
    });
    const xy = tf.tensor2d(pts, [n, 2]);
    const nextFused = cloudReachedFused(fused, xy, minima, epsilon, step);
    const nextRef = tf.tidy(() => {
      const [x, y] = tf.unstack(xy, 1);
      const d2 = minima.map(([mx, my]) => tf.add(tf.square(tf.sub(x, mx)), tf.square(tf.sub(y, my))));
      const hit = tf.logicalAnd(
        tf.less(
          d2.reduce((a, b) => tf.minimum(a, b)),
          epsilon * epsilon,
        ),
        tf.less(ref, 0),
      );
      return tf.where(hit, tf.fill([n], step), ref) as tf.Tensor1D;
    });
    tf.dispose([xy, fused, ref]);
    fused = nextFused;
    ref = nextRef;
  }
  const [got, want] = [await fused.data(), await ref.data()];
  // exact: both are small integers or −1
  results.push({
    label: `first step within ε, ${n} particles over 4 steps (reached, newly reached, never, NaN)`,
    maxRelError: got.every((v, i) => v === want[i]) ? 0 : maxRelError(got, want) || 1,
  });
  tf.dispose([fused, ref]);
  return results;
}
