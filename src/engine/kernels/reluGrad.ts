/** `OptiplayReluGrad`: dy·[y > 0] for a relu layer's output y, one program where tf ops spend two (step, mul). */
import * as tf from '@tensorflow/tfjs-core';
import { randomCreate } from '../random';
import { glslPadZero } from './glsl';
import { defineKernel, type HostArray } from './kernel';
import { FlatWebGPUProgram } from './webgpuProgram';

class ReluGradWebGPU extends FlatWebGPUProgram {
  variableNames = ['DY', 'Y'];
  constructor(outputShape: number[]) {
    super(outputShape, 'optiplayReluGrad');
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, select(0.0, getDYByOutputIndex(index), getYByOutputIndex(index) > 0.0));
        }
      }`;
  }
}

function reluCase(shape: [number, number, number]): Record<string, HostArray> {
  const rng = randomCreate(shape[1]);
  const n = shape[0] * shape[1] * shape[2];
  return {
    dy: { shape, values: Float32Array.from({ length: n }, () => rng.normal()) },
    // a relu's output: zero about half the time
    y: { shape, values: Float32Array.from({ length: n }, () => Math.max(0, rng.normal())) },
  };
}

export const reluGrad = defineKernel<object>({
  name: 'OptiplayReluGrad',
  summary: "a relu layer's gradient before the activation, dy·[y > 0]",
  inputs: ['dy', 'y'],
  fits: (inputs) => inputs.dy.rank === 3,
  reference: ({ dy, y }) => tf.mul(dy, tf.step(y)),
  webgl: ({ dy, y }, _a, backend) => {
    const [, R, C] = dy.shape;
    const program = {
      variableNames: ['DY', 'Y'],
      packedInputs: true,
      packedOutput: true,
      outputShape: dy.shape,
      userCode: `
      void main() {
        ivec3 rc = getOutputCoords();
        vec4 result = getDYAtOutCoords() * vec4(greaterThan(getYAtOutCoords(), vec4(0.0)));
        ${glslPadZero(R, C)}
        setOutput(result);
      }`,
    };
    return backend.runWebGLProgram(program, [dy, y], 'float32');
  },
  webgpu: ({ dy, y }, _a, backend) => backend.runWebGPUProgram(new ReluGradWebGPU(dy.shape), [dy, y], 'float32'),
  naive: ({ dy, y }) => [Float64Array.from(dy.values, (d, i) => (y.values[i] > 0 ? d : 0))],
  cases: () =>
    (
      [
        [1, 128, 64],
        [2, 5, 3],
      ] as [number, number, number][]
    ).map((shape) => ({ label: shape.join('×'), inputs: reluCase(shape), attrs: {} })),
});
