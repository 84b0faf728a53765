/**
 * `OptiplayBiasGrad` [K, 1, C]: Σ_b dz[k, b, c], a dense layer's bias gradient, one program where a
 * matmul by a row of ones needs three (fill, pack, matmul) and tf.sum over the batch axis more.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomCreate } from '../random';
import { defineKernel } from './kernel';
import { FlatWebGPUProgram } from './webgpuProgram';

/** The largest batch the programs loop over; above, tf ops. */
export const BIAS_GRAD_MAX_ROWS = 2048;

class BiasGradWebGPU extends FlatWebGPUProgram {
  variableNames = ['DZ'];
  constructor(
    outputShape: number[],
    private readonly B: number,
  ) {
    super(outputShape, `optiplayBiasGrad_${B}_${outputShape[2]}`);
  }
  getUserCode(): string {
    const C = this.outputShape[2];
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${C};
          let c = index % ${C};
          var s = 0.0;
          for (var b = 0; b < ${this.B}; b++) { s += getDZ(k, b, c); }
          setOutputAtIndex(index, s);
        }
      }`;
  }
}

export const biasGrad = defineKernel<object>({
  name: 'OptiplayBiasGrad',
  summary: "a dense layer's bias gradient, Σ over the batch of dz [K, B, C]",
  inputs: ['dz'],
  fits: ({ dz }) => dz.rank === 3 && dz.shape[1]! <= BIAS_GRAD_MAX_ROWS,
  reference: ({ dz }) => {
    const [K, B] = (dz as tf.Tensor3D).shape;
    return tf.matMul(tf.fill([K, 1, B], 1) as tf.Tensor3D, dz as tf.Tensor3D);
  },
  webgl: ({ dz }, _a, backend) => {
    const [K, B, C] = dz.shape;
    const program = {
      variableNames: ['DZ'],
      packedInputs: true,
      packedOutput: true,
      outputShape: [K, 1, C],
      userCode: `
      void main() {
        ivec3 rc = getOutputCoords();
        vec2 s = vec2(0.0);
        for (int b = 0; b < ${B}; b += 2) {
          vec4 t = getDZ(rc.x, b, rc.z);
          s += b + 1 < ${B} ? t.xy + t.zw : t.xy;
        }
        vec4 result = vec4(s, 0.0, 0.0);
        if (rc.z + 1 >= ${C}) result.y = 0.0;
        setOutput(result);
      }`,
    };
    return backend.runWebGLProgram(program, [dz], 'float32');
  },
  webgpu: ({ dz }, _a, backend) => {
    const [K, B, C] = dz.shape;
    return backend.runWebGPUProgram(new BiasGradWebGPU([K, 1, C], B), [dz], 'float32');
  },
  naive: ({ dz }) => {
    const [K, B, C] = dz.shape;
    const out = new Float64Array(K * C);
    for (let k = 0; k < K; k++)
      for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) out[k * C + c] += dz.values[(k * B + b) * C + c];
    return [out];
  },
  cases: () =>
    (
      [
        [1, 128, 64],
        [2, 5, 3],
        [3, 1, 7],
      ] as [number, number, number][]
    ).map((shape) => {
      const rng = randomCreate(shape[2]);
      const values = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => 3 * rng.normal());
      return { label: shape.join('×'), inputs: { dz: { shape, values } }, attrs: {} };
    }),
});
