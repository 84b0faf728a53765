/**
 * `OptiplayXentStats` [2, K]: for K models' logits z [K, B, C] and one-hot labels y ([B, C] or
 * [K, B, C]), row 0 the mean cross-entropy −(1/B)·Σ_b Σ_c y·log softmax(z), row 1 the share of rows
 * whose first largest logit has y = 1 (tf.argMax's tie rule). One program where tf ops spend about 25
 * on WebGL (logSumExp, the product, sums, argMax, equal, cast, mean, and their packing). A NaN logit
 * makes that model's loss NaN, so the training loop still marks it diverged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomCreate } from '../random';
import { glslPair } from './glsl';
import { defineKernel, type HostArray, type KernelCase } from './kernel';
import { FlatWebGPUProgram } from './webgpuProgram';

/** The largest batch and class count the programs take (each output value loops over them); above, tf ops. */
export const XENT_MAX_ROWS = 2048;
export const XENT_MAX_CLASSES = 128;

/** WebGL: output [2, K] (unpacked); each value loops over the batch. */
function statsWebGL(K: number, B: number, C: number, yRank: number) {
  return {
    variableNames: ['Z', 'Y'],
    packedInputs: true,
    outputShape: [2, K],
    userCode: `
      ${glslPair('Z', 3)}
      ${glslPair('Y', yRank)}
      void main() {
        ivec2 o = getOutputCoords();
        int k = o.y;
        float total = 0.0;
        for (int b = 0; b < ${B}; b++) {
          float m = pairZ(k, b, 0).x;
          int arg = 0;
          for (int c = 0; c < ${C}; c += 2) {
            vec2 v = pairZ(k, b, c);
            if (v.x > m) { m = v.x; arg = c; }
            if (c + 1 < ${C} && v.y > m) { m = v.y; arg = c + 1; }
          }
          float s = 0.0;
          float yz = 0.0;
          float ys = 0.0;
          float yArg = 0.0;
          for (int c = 0; c < ${C}; c += 2) {
            vec2 v = pairZ(k, b, c) - m;
            vec2 w = pairY(k, b, c);
            s += exp(v.x);
            yz += w.x * v.x;
            ys += w.x;
            if (c == arg) yArg = w.x;
            if (c + 1 < ${C}) {
              s += exp(v.y);
              yz += w.y * v.y;
              ys += w.y;
              if (c + 1 == arg) yArg = w.y;
            }
          }
          total += o.x == 0 ? ys * log(s) - yz : yArg;
        }
        setOutput(total / ${B}.0);
      }`,
  };
}

export const wgslLabel = (yRank: number, b: string, c: string) =>
  yRank === 3 ? `getY(k, ${b}, ${c})` : `getY(${b}, ${c})`;

class StatsWebGPU extends FlatWebGPUProgram {
  variableNames = ['Z', 'Y'];
  constructor(
    private readonly K: number,
    private readonly B: number,
    private readonly C: number,
    private readonly yRank: number,
  ) {
    super([2, K], `optiplayXentStats_${K}_${B}_${C}_${yRank}`);
  }
  getUserCode(): string {
    const { K, B, C, yRank } = this;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let j = index / ${K};
          let k = index - j * ${K};
          var total = 0.0;
          for (var b = 0; b < ${B}; b++) {
            var m = getZ(k, b, 0);
            var arg = 0;
            for (var c = 1; c < ${C}; c++) {
              let v = getZ(k, b, c);
              if (v > m) { m = v; arg = c; }
            }
            var s = 0.0;
            var yz = 0.0;
            var ys = 0.0;
            for (var c = 0; c < ${C}; c++) {
              let v = getZ(k, b, c) - m;
              let w = ${wgslLabel(yRank, 'b', 'c')};
              s += exp(v);
              yz += w * v;
              ys += w;
            }
            if (j == 0) { total += ys * log(s) - yz; } else { total += ${wgslLabel(yRank, 'b', 'arg')}; }
          }
          setOutputAtIndex(index, total / ${B}.0);
        }
      }`;
  }
}

/** Logits [K, B, C] and one-hot labels for the checks: every other row labelled with its first largest logit. */
export function xentCaseInputs(
  K: number,
  B: number,
  C: number,
  seed: number,
  options: { perModel?: boolean; ties?: boolean; nanAt?: number } = {},
): Record<string, HostArray> {
  const rng = randomCreate(seed);
  const z = Float32Array.from({ length: K * B * C }, () =>
    options.ties ? Math.round(rng.normal() * 2) : 4 * rng.normal(),
  );
  if (options.nanAt !== undefined) z[options.nanAt] = NaN;
  const rows = options.perModel ? K * B : B;
  const y = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) {
    const row = z.subarray(r * C, r * C + C);
    const label = r % 2 === 0 ? row.indexOf(Math.max(...row)) : (r * 7 + seed) % C;
    y[r * C + Math.max(0, label)] = 1;
  }
  return {
    logits: { shape: [K, B, C], values: z },
    labels: { shape: options.perModel ? [K, B, C] : [B, C], values: y },
  };
}

/** The cases shared by the loss and its gradient. */
export function xentCases<A extends object>(
  attrs: A,
  extra: (inputs: Record<string, HostArray>) => Record<string, HostArray>,
): KernelCase<A>[] {
  const at = (label: string, inputs: Record<string, HostArray>, more: Partial<KernelCase<A>> = {}): KernelCase<A> => ({
    label,
    inputs: extra(inputs),
    attrs,
    ...more,
  });
  return [
    at('K=1, B=128, C=10 (an MNIST batch)', xentCaseInputs(1, 128, 10, 1)),
    at('K=3, B=7, C=3, labels per model', xentCaseInputs(3, 7, 3, 2, { perModel: true })),
    at('K=4, B=5, C=4, tied logits', xentCaseInputs(4, 5, 4, 3, { ties: true })),
    at('K=2, B=1, C=5', xentCaseInputs(2, 1, 5, 4)),
  ];
}

/** Model k's rows of logits and labels, row by row. */
export function xentRows(
  inputs: Record<string, HostArray>,
  k: number,
  b: number,
): { z: Float32Array; y: Float32Array } {
  const [, B, C] = inputs.logits.shape;
  const perModel = inputs.labels.shape.length === 3;
  return {
    z: inputs.logits.values.subarray((k * B + b) * C, (k * B + b + 1) * C),
    y: inputs.labels.values.subarray(((perModel ? k * B : 0) + b) * C, ((perModel ? k * B : 0) + b + 1) * C),
  };
}

export const xentStats = defineKernel<object>({
  name: 'OptiplayXentStats',
  summary: "softmax cross-entropy and batch accuracy of K models' logits, [2, K]",
  inputs: ['logits', 'labels'],
  fits: ({ logits }) => logits.rank === 3 && logits.shape[1]! <= XENT_MAX_ROWS && logits.shape[2]! <= XENT_MAX_CLASSES,
  reference: ({ logits, labels }) => {
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 2), 1));
    const hit = tf.sum(tf.mul(labels, tf.oneHot(tf.argMax(logits, 2), logits.shape[2]!)), 2);
    return tf.stack([loss, tf.mean(hit, 1)]);
  },
  webgl: ({ logits, labels }, _a, backend) => {
    const [K, B, C] = logits.shape;
    return backend.runWebGLProgram(statsWebGL(K, B, C, labels.shape.length), [logits, labels], 'float32');
  },
  webgpu: ({ logits, labels }, _a, backend) => {
    const [K, B, C] = logits.shape;
    return backend.runWebGPUProgram(new StatsWebGPU(K, B, C, labels.shape.length), [logits, labels], 'float32');
  },
  naive: (inputs) => {
    const [K, B] = inputs.logits.shape;
    const out = new Float64Array(2 * K);
    for (let k = 0; k < K; k++) {
      for (let b = 0; b < B; b++) {
        const { z, y } = xentRows(inputs, k, b);
        let m = z[0];
        let arg = 0;
        z.forEach((v, c) => v > m && ((m = v), (arg = c)));
        const s = z.reduce((acc, v) => acc + Math.exp(v - m), 0);
        const lse = m + Math.log(s);
        out[k] -= y.reduce((acc, w, c) => acc + w * (z[c] - lse), 0) / B;
        out[K + k] += y[arg] / B;
      }
    }
    return [out];
  },
  cases: () => [
    ...xentCases({}, (i) => i),
    // a diverged model: its NaN logit makes its loss NaN, the other model's stays finite (accuracy not compared)
    {
      label: 'K=2, B=3, C=4, a NaN logit in model 0',
      inputs: xentCaseInputs(2, 3, 4, 5, { nanAt: 1 }),
      attrs: {},
      compare: (_o, i) => i < 2,
    },
  ],
});
