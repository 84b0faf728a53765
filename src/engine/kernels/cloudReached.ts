/**
 * `OptiplayCloudReached` [N]: the particle cloud's bookkeeping, the first step at which each particle
 * came within ε of a minimum (the old value where it already had, or where it is not within ε; −1 for
 * never), one program where tf ops spend about 15 a step. The step arrives as a uniform. A NaN
 * coordinate never counts as reached, so a diverging particle is still found at the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Point } from '../objectives/registry';
import { exprLiteral as lit } from './expression';
import { defineKernel, type KernelCase } from './kernel';
import { CodeWebGPUProgram } from './webgpuProgram';

export interface ReachedAttrs {
  minima: Point[];
  epsilon: number;
  step: number;
}

/** The new "reached" value of one particle as a shader function. */
function reachFunction({ minima, epsilon }: ReachedAttrs, gl: boolean, step: string): string {
  const d = minima.map(([mx, my]) => `(x - ${lit(mx)}) * (x - ${lit(mx)}) + (y - ${lit(my)}) * (y - ${lit(my)})`);
  const near = `${d.reduce((a, b) => `min(${a}, ${b})`)} < ${lit(epsilon * epsilon)}`;
  const head = gl ? 'float reach(float old, float x, float y)' : 'fn reach(old : f32, x : f32, y : f32) -> f32';
  const pick = gl ? `old < 0.0 && ${near} ? ${step} : old` : `select(old, ${step}, old < 0.0 && ${near})`;
  return `${head} {
        return ${pick};
      }`;
}

/** Himmelblau's first two minima; rows 0–1 start reached, row i sits 0.02·|i − 2·step| from a minimum, row 8 is NaN. */
function reachedCase(step: number): KernelCase<ReachedAttrs> {
  const minima: Point[] = [
    [3, 2],
    [-2.805118, 3.131312],
  ];
  const n = 9;
  const xy = Float32Array.from({ length: 2 * n }, (_, k) => {
    const i = k >> 1;
    if (i === 8) return NaN;
    const [mx, my] = minima[i % 2];
    return k % 2 === 0 ? mx + 0.02 * Math.abs(i - 2 * step) : my;
  });
  const reached = Float32Array.from({ length: n }, (_, i) =>
    i === 0 ? 4 : i === 1 ? 0 : i === 3 && step > 2 ? 1 : -1,
  );
  return {
    label: `step ${step}: reached, newly reached, never, NaN`,
    inputs: { reached: { shape: [n], values: reached }, xy: { shape: [n, 2], values: xy } },
    attrs: { minima, epsilon: 0.05, step },
    tolerance: 0,
  };
}

export const cloudReached = defineKernel<ReachedAttrs>({
  name: 'OptiplayCloudReached',
  summary: 'the first step at which each particle came within ε of a minimum',
  inputs: ['reached', 'xy'],
  fits: (_i, { minima }) => minima.length > 0,
  reference: ({ reached, xy }, { minima, epsilon, step }) => {
    const [x, y] = tf.unstack(xy, 1);
    const d2 = minima.map(([mx, my]) => tf.add(tf.square(tf.sub(x, mx)), tf.square(tf.sub(y, my))));
    const hit = tf.mul(
      tf.cast(
        tf.less(
          d2.reduce((a, b) => tf.minimum(a, b)),
          epsilon * epsilon,
        ),
        'float32',
      ),
      tf.cast(tf.less(reached, 0), 'float32'),
    );
    // arithmetic, not a select: element-wise kernels only
    return tf.add(reached, tf.mul(hit, tf.sub(step, reached)));
  },
  webgl: ({ reached, xy }, attrs, backend) => {
    const N = reached.shape[0];
    const program = {
      variableNames: ['R', 'XY'],
      packedInputs: true,
      packedOutput: true,
      outputShape: reached.shape,
      customUniforms: [{ name: 'cloud_step', type: 'float' as const }],
      userCode: `
      ${reachFunction(attrs, true, 'cloud_step')}
      void main() {
        int i = getOutputCoords();
        vec4 r = getR(i);
        vec4 p = getXY(i, 0);
        vec4 result = vec4(reach(r.x, p.x, p.y), i + 1 < ${N} ? reach(r.y, p.z, p.w) : 0.0, 0.0, 0.0);
        setOutput(result);
      }`,
    };
    return backend.runWebGLProgram(program, [reached, xy], 'float32', [[attrs.step]]);
  },
  webgpu: ({ reached, xy }, attrs, backend) => {
    const code = `
      ${reachFunction(attrs, false, 'uniforms.step')}
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, reach(R[index], XY[2 * index], XY[2 * index + 1]));
        }
      }`;
    const program = new CodeWebGPUProgram(reached.shape, ['R', 'XY'], 'optiplayCloudReached', code, 'step : f32,');
    return backend.runWebGPUProgram(program, [reached, xy], 'float32', [{ type: 'float32', data: [attrs.step] }]);
  },
  naive: ({ reached, xy }, { minima, epsilon, step }) => [
    Float64Array.from(reached.values, (old, i) => {
      const [x, y] = [xy.values[2 * i], xy.values[2 * i + 1]];
      const d2 = Math.min(...minima.map(([mx, my]) => (x - mx) ** 2 + (y - my) ** 2));
      return old < 0 && d2 < epsilon * epsilon ? step : old;
    }),
  ],
  cases: () => [1, 2, 3, 4].map(reachedCase),
});
