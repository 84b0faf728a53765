/**
 * `OptiplayStepDiagnostics` [1 + L, K]: a diagnostics step of the training loop in one program where
 * tf ops spend about sixty. Row 0: ‖g‖ over every gradient of model k; row 1 + l: the update ratio
 * ‖w′ − w‖ / (‖w‖ + 1e-12) of layer l's weights. Inputs t0…: the P gradients, the L weights before the
 * step, the L after it. Where one program cannot read that many tensors (WebGPU's 8 storage buffers),
 * `stepDiagnostics` runs the norm and the ratios as two.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomCreate } from '../random';
import { defineKernel, programInputLimit, type HostArray, type KernelCase } from './kernel';
import { FlatWebGPUProgram } from './webgpuProgram';

export interface DiagnosticsAttrs {
  /** gradients, and layers (weights before and after) */
  P: number;
  L: number;
}

/** Each input as a rank-3 view [K·G, R, C] (G: its leading axes after the model axis, merged). */
interface View {
  G: number;
  R: number;
  C: number;
  /** values per model */
  n: number;
}

function viewOf(shape: number[]): View {
  const C = shape.at(-1) ?? 1;
  const R = shape.length >= 3 ? shape[shape.length - 2] : 1;
  const n = tf.util.sizeFromShape(shape.slice(1));
  return { G: n / (R * C), R, C, n };
}

/** WebGL: output unpacked; inputs packed, each output value loops over its tensors (a texel's padding masked out). */
function diagnosticsWebGL(K: number, views: View[], P: number, L: number) {
  const first = P > 0 ? 1 : 0;
  const sumOf = (i: number, minus: number | null) => {
    const { G, R, C } = views[i];
    const read = minus === null ? `getT${i}(a, r, c)` : `getT${i}(a, r, c) - getT${minus}(a, r, c)`;
    return `
      float sum${i}${minus === null ? '' : `_${minus}`}(int k) {
        float s = 0.0;
        for (int g = 0; g < ${G}; g++) {
          int a = k * ${G} + g;
          for (int r = 0; r < ${R}; r += 2) {
            for (int c = 0; c < ${C}; c += 2) {
              vec4 t = ${read};
              vec4 keep = vec4(1.0, c + 1 < ${C} ? 1.0 : 0.0, r + 1 < ${R} ? 1.0 : 0.0, c + 1 < ${C} && r + 1 < ${R} ? 1.0 : 0.0);
              s += dot(t * t, keep);
            }
          }
        }
        return s;
      }`;
  };
  const fns = [...views.map((_, i) => sumOf(i, null)), ...Array.from({ length: L }, (_, l) => sumOf(P + L + l, P + l))];
  const grads = Array.from({ length: P }, (_, i) => `sum${i}(k)`).join(' + ');
  const rows = Array.from(
    { length: L },
    (_, l) => `if (o.x == ${first + l}) result = sqrt(sum${P + L + l}_${P + l}(k)) / (sqrt(sum${P + l}(k)) + 1e-12);`,
  ).join('\n        ');
  return {
    variableNames: views.map((_, i) => `T${i}`),
    packedInputs: true,
    outputShape: [first + L, K],
    userCode: `
      ${fns.join('\n')}
      void main() {
        ivec2 o = getOutputCoords();
        int k = o.y;
        float result = 0.0;
        ${P > 0 ? `if (o.x == 0) result = sqrt(${grads});` : ''}
        ${rows}
        setOutput(result);
      }`,
  };
}

/** WebGPU: the same, one thread per output value, reading each model's values straight from the buffers. */
class DiagnosticsWebGPU extends FlatWebGPUProgram {
  variableNames: string[];
  constructor(
    private readonly K: number,
    private readonly views: View[],
    private readonly P: number,
    private readonly L: number,
  ) {
    super([(P > 0 ? 1 : 0) + L, K], `optiplayDiagnostics_${K}_${P}_${L}_${views.map((v) => v.n).join('_')}`);
    this.variableNames = views.map((_, i) => `T${i}`);
  }
  getUserCode(): string {
    const { K, views, P, L } = this;
    const sum = (i: number, minus: number | null) => {
      const n = views[i].n;
      const x = minus === null ? `T${i}[j]` : `(T${i}[j] - T${minus}[j])`;
      return `
      fn sum${i}${minus === null ? '' : `_${minus}`}(k : i32) -> f32 {
        var s = 0.0;
        for (var j = k * ${n}; j < (k + 1) * ${n}; j++) { let t = ${x}; s += t * t; }
        return s;
      }`;
    };
    const fns = [...views.map((_, i) => sum(i, null)), ...Array.from({ length: L }, (_, l) => sum(P + L + l, P + l))];
    const grads = Array.from({ length: P }, (_, i) => `sum${i}(k)`).join(' + ');
    const first = P > 0 ? 1 : 0;
    const rows = Array.from(
      { length: L },
      (_, l) =>
        `if (row == ${first + l}) { result = sqrt(sum${P + L + l}_${P + l}(k)) / (sqrt(sum${P + l}(k)) + 1e-12); }`,
    ).join('\n          ');
    return `
      ${fns.join('\n')}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let row = index / ${K};
          let k = index - row * ${K};
          var result = 0.0;
          ${P > 0 ? `if (row == 0) { result = sqrt(${grads}); }` : ''}
          ${rows}
          setOutputAtIndex(index, result);
        }
      }`;
  }
}

const names = ({ P, L }: DiagnosticsAttrs) => Array.from({ length: P + 2 * L }, (_, i) => `t${i}`);
const listOf = <T>(inputs: Record<string, T>, attrs: DiagnosticsAttrs): T[] => names(attrs).map((n) => inputs[n]);

function diagnosticsCase(
  label: string,
  K: number,
  grads: number[][],
  weights: number[][],
): KernelCase<DiagnosticsAttrs> {
  const rng = randomCreate(K * 31 + grads.length);
  const make = (shape: number[]): HostArray => {
    const full = [K, ...shape];
    return { shape: full, values: Float32Array.from({ length: tf.util.sizeFromShape(full) }, () => rng.normal()) };
  };
  const g = grads.map(make);
  const before = weights.map(make);
  const after = before.map((w, l) => ({
    shape: w.shape,
    values: w.values.map((v, i) => v + 0.01 * g[2 * l].values[i]),
  }));
  const attrs = { P: g.length, L: before.length };
  return { label, inputs: Object.fromEntries([...g, ...before, ...after].map((t, i) => [`t${i}`, t])), attrs };
}

export const stepDiagnosticsKernel = defineKernel<DiagnosticsAttrs>({
  name: 'OptiplayStepDiagnostics',
  summary: "a training step's gradient norm and each layer's update ratio, [1 + L, K]",
  inputs: names,
  fits: (_inputs, attrs) => attrs.P + 2 * attrs.L <= programInputLimit(),
  reference: (inputs, attrs) => {
    const list = listOf(inputs, attrs);
    const K = list[0].shape[0];
    const sq = (t: tf.Tensor) => tf.sum(tf.square(tf.reshape(t, [K, -1])), 1);
    const grads = list.slice(0, attrs.P);
    const before = list.slice(attrs.P, attrs.P + attrs.L);
    const after = list.slice(attrs.P + attrs.L);
    return tf.stack([
      ...(grads.length ? [tf.sqrt(grads.map(sq).reduce((a, b) => tf.add(a, b)))] : []),
      ...before.map((w, l) => tf.div(tf.sqrt(sq(tf.sub(after[l], w))), tf.add(tf.sqrt(sq(w)), 1e-12))),
    ]);
  },
  webgl: (inputs, attrs, backend) => {
    const list = listOf(inputs, attrs);
    const K = list[0].shape[0];
    const views = list.map((t) => viewOf(t.shape));
    // rank-3 views [K·G, R, C] of each input: free reshapes of the leading axes on packed textures
    const viewed = list.map((t, i) => ({ ...t, shape: [K * views[i].G, views[i].R, views[i].C] }));
    return backend.runWebGLProgram(diagnosticsWebGL(K, views, attrs.P, attrs.L), viewed, 'float32');
  },
  webgpu: (inputs, attrs, backend) => {
    const list = listOf(inputs, attrs);
    const views = list.map((t) => viewOf(t.shape));
    return backend.runWebGPUProgram(new DiagnosticsWebGPU(list[0].shape[0], views, attrs.P, attrs.L), list, 'float32');
  },
  naive: (inputs, attrs) => {
    const list = listOf(inputs, attrs);
    const K = list[0].shape[0];
    const sq = (t: HostArray, k: number, minus?: HostArray) => {
      const n = t.values.length / K;
      let s = 0;
      for (let j = k * n; j < (k + 1) * n; j++) s += (t.values[j] - (minus ? minus.values[j] : 0)) ** 2;
      return s;
    };
    const rows = (attrs.P > 0 ? 1 : 0) + attrs.L;
    const out = new Float64Array(rows * K);
    for (let k = 0; k < K; k++) {
      if (attrs.P > 0) out[k] = Math.sqrt(list.slice(0, attrs.P).reduce((s, g) => s + sq(g, k), 0));
      for (let l = 0; l < attrs.L; l++) {
        const [w, w2] = [list[attrs.P + l], list[attrs.P + attrs.L + l]];
        out[((attrs.P > 0 ? 1 : 0) + l) * K + k] = Math.sqrt(sq(w2, k, w)) / (Math.sqrt(sq(w, k)) + 1e-12);
      }
    }
    return [out];
  },
  cases: () => [
    diagnosticsCase(
      'MNIST MLP 784-128-64-10',
      1,
      [
        [784, 128],
        [1, 128],
        [128, 64],
        [1, 64],
        [64, 10],
        [1, 10],
      ],
      [
        [784, 128],
        [128, 64],
        [64, 10],
      ],
    ),
    diagnosticsCase(
      'K=3, odd shapes',
      3,
      [
        [5, 3],
        [1, 3],
        [3, 1],
        [1, 1],
      ],
      [
        [5, 3],
        [3, 1],
      ],
    ),
    diagnosticsCase(
      'K=2, a conv layer',
      2,
      [
        [5, 5, 1, 4],
        [1, 4],
      ],
      [[5, 5, 1, 4]],
    ),
    diagnosticsCase(
      'K=2, gradients only',
      2,
      [
        [3, 4],
        [1, 4],
      ],
      [],
    ),
  ],
});

/**
 * A diagnostics step: [1 + L, K], row 0 each model's gradient norm over all `grads`, row 1 + l the
 * update ratio of `before[l]` → `after[l]`; one program where it fits, the norm and the ratios as two
 * where one cannot read every tensor (WebGPU's default of 8 storage buffers), tf ops on other backends.
 */
export function stepDiagnostics(grads: tf.Tensor[], before: tf.Tensor[], after: tf.Tensor[]): tf.Tensor2D {
  const run = (g: tf.Tensor[], b: tf.Tensor[], a: tf.Tensor[]) =>
    stepDiagnosticsKernel.run(Object.fromEntries([...g, ...b, ...a].map((t, i) => [`t${i}`, t])), {
      P: g.length,
      L: b.length,
    })[0];
  const all = [...grads, ...before, ...after];
  if (!stepDiagnosticsKernel.on() || all.length <= programInputLimit()) return run(grads, before, after) as tf.Tensor2D;
  return tf.tidy(() => tf.concat([run(grads, [], []), run([], before, after)])) as tf.Tensor2D;
}

/** Whether stepDiagnostics runs as the kernel's programs here for P gradients and L layers. */
export function stepDiagnosticsFusable(P: number, L: number): boolean {
  if (!stepDiagnosticsKernel.on()) return false;
  const limit = programInputLimit();
  return P + 2 * L <= limit || (P <= limit && 2 * L <= limit);
}
