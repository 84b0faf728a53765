/**
 * `OptiplayXentGrad` [K, B, C]: the gradient of OptiplayXentStats' loss row, (softmax(z) − y)·dy_k / B,
 * which holds for one-hot (or any row-sum-1) labels. One program where autodiff through logSoftmax,
 * the product and the two means spends about a dozen.
 */
import * as tf from '@tensorflow/tfjs-core';
import { glslPadZero, glslPair } from './glsl';
import { defineKernel, type HostArray } from './kernel';
import { FlatWebGPUProgram } from './webgpuProgram';
import { wgslLabel, xentCases, xentRows, XENT_MAX_CLASSES, XENT_MAX_ROWS } from './xentStats';

function gradWebGL(outputShape: number[], yRank: number) {
  const [, B, C] = outputShape;
  return {
    variableNames: ['Z', 'Y', 'D'],
    packedInputs: true,
    packedOutput: true,
    outputShape,
    userCode: `
      ${glslPair('Z', 3)}
      vec2 rowStats(int k, int b) {
        float m = pairZ(k, b, 0).x;
        for (int c = 0; c < ${C}; c += 2) {
          vec2 v = pairZ(k, b, c);
          m = max(m, v.x);
          if (c + 1 < ${C}) m = max(m, v.y);
        }
        float s = 0.0;
        for (int c = 0; c < ${C}; c += 2) {
          vec2 v = exp(pairZ(k, b, c) - m);
          s += c + 1 < ${C} ? v.x + v.y : v.x;
        }
        return vec2(m, s);
      }
      void main() {
        ivec3 rc = getOutputCoords();
        int k = rc.x;
        vec4 d = getD(k);
        float scale = (k - 2 * (k / 2) == 0 ? d.x : d.y) / ${B}.0;
        vec2 top = rowStats(k, rc.y);
        vec2 bottom = rc.y + 1 < ${B} ? rowStats(k, rc.y + 1) : vec2(0.0, 1.0);
        vec4 z = getZ(k, rc.y, rc.z);
        vec4 y = ${yRank === 3 ? 'getY(k, rc.y, rc.z)' : 'getY(rc.y, rc.z)'};
        vec4 p = exp(z - vec4(top.x, top.x, bottom.x, bottom.x)) / vec4(top.y, top.y, bottom.y, bottom.y);
        vec4 result = (p - y) * scale;
        ${glslPadZero(B, C)}
        setOutput(result);
      }`,
  };
}

class GradWebGPU extends FlatWebGPUProgram {
  variableNames = ['Z', 'Y', 'D'];
  constructor(
    outputShape: number[],
    private readonly yRank: number,
  ) {
    // the key names every constant the code bakes in: tfjs-webgpu caches compiled programs by it
    super(outputShape, `optiplayXentGrad_${outputShape[1]}_${outputShape[2]}_${yRank}`);
  }
  getUserCode(): string {
    const [, B, C] = this.outputShape;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${B * C};
          let b = (index / ${C}) % ${B};
          let c = index % ${C};
          var m = getZ(k, b, 0);
          for (var i = 1; i < ${C}; i++) { m = max(m, getZ(k, b, i)); }
          var s = 0.0;
          for (var i = 0; i < ${C}; i++) { s += exp(getZ(k, b, i) - m); }
          let p = exp(getZ(k, b, c) - m) / s;
          setOutputAtIndex(index, (p - ${wgslLabel(this.yRank, 'b', 'c')}) * getD(k) / ${B}.0);
        }
      }`;
  }
}

/** dy for a case: each model its own weight, 1 + k/2. */
const withDy = (inputs: Record<string, HostArray>): Record<string, HostArray> => {
  const K = inputs.logits.shape[0];
  return { ...inputs, dy: { shape: [K], values: Float32Array.from({ length: K }, (_, k) => 1 + 0.5 * k) } };
};

export const xentGrad = defineKernel<object>({
  name: 'OptiplayXentGrad',
  summary: 'the gradient of the mean softmax cross-entropy, (softmax(z) − y)·dy / B',
  inputs: ['logits', 'labels', 'dy'],
  fits: ({ logits }) => logits.rank === 3 && logits.shape[1]! <= XENT_MAX_ROWS && logits.shape[2]! <= XENT_MAX_CLASSES,
  reference: ({ logits, labels, dy }) =>
    tf.mul(tf.sub(tf.softmax(logits), labels), tf.reshape(tf.div(dy, (logits as tf.Tensor3D).shape[1]), [-1, 1, 1])),
  webgl: ({ logits, labels, dy }, _a, backend) =>
    backend.runWebGLProgram(gradWebGL(logits.shape, labels.shape.length), [logits, labels, dy], 'float32'),
  webgpu: ({ logits, labels, dy }, _a, backend) =>
    backend.runWebGPUProgram(new GradWebGPU(logits.shape, labels.shape.length), [logits, labels, dy], 'float32'),
  naive: (inputs) => {
    const [K, B, C] = inputs.logits.shape;
    const out = new Float64Array(K * B * C);
    for (let k = 0; k < K; k++) {
      for (let b = 0; b < B; b++) {
        const { z, y } = xentRows(inputs, k, b);
        const m = Math.max(...z);
        const s = z.reduce((acc, v) => acc + Math.exp(v - m), 0);
        z.forEach((v, c) => (out[(k * B + b) * C + c] = ((Math.exp(v - m) / s - y[c]) * inputs.dy.values[k]) / B));
      }
    }
    return [out];
  },
  cases: () => xentCases({}, withDy),
});
