/**
 * `OptiplayMatMul`: batched matrix products where the backend's own are slow, a [T, M, K] (or
 * [T, K, M] with transposeA) · b [T, K, N] (or [T, N, K] with transposeB) → [T, M, N], then + bias
 * ([T, 1, N] or [N]) and relu or sigmoid.
 *
 * On a software WebGPU adapter (SwiftShader), tfjs's tiled programs stage tiles in workgroup memory
 * between barriers, and SwiftShader switches between a workgroup's invocations at each barrier; here
 * each invocation computes an 8×4 block of the output straight from the operands. On cpu, tfjs's
 * BatchMatMul walks k innermost, reading one operand a whole row apart at each step; here four output
 * rows accumulate together over k with the inner loop along a row of b, in float64 as tfjs's blocks
 * do. The sums run over k in tfjs's order, so the results match to rounding. A real GPU and webgl keep
 * tfjs's programs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { randomCreate } from '../random';
import { defineKernel, webgpuIsSoftware, type HostArray, type KernelCase } from './kernel';
import { CodeWebGPUProgram } from './webgpuProgram';

export type MatMulActivation = 'linear' | 'relu' | 'sigmoid';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: MatMulActivation;
}

const ROWS = 8;
const COLS = 4;

/** One invocation per 8×4 block of the output [T, M, N]. */
function matMulProgram(
  T: number,
  M: number,
  K: number,
  N: number,
  attrs: Attrs,
  bias: 'none' | 'batched' | 'shared',
): CodeWebGPUProgram {
  const tilesM = Math.ceil(M / ROWS);
  const tilesN = Math.ceil(N / COLS);
  const a = (m: string, k: string) =>
    attrs.transposeA ? `A[aBase + ${k} * ${M} + ${m}]` : `A[aBase + ${m} * ${K} + ${k}]`;
  const b = (k: string, n: string) =>
    attrs.transposeB ? `B[bBase + ${n} * ${K} + ${k}]` : `B[bBase + ${k} * ${N} + ${n}]`;
  const rows = Array.from({ length: ROWS }, (_, r) => r);
  const cols = Array.from({ length: COLS }, (_, c) => c);
  // reads past the edge are clamped to the last row or column (their results are never written)
  const act =
    attrs.activation === 'relu'
      ? 'select(v, 0.0, v < 0.0)' // NaN stays NaN, so a diverging run is still seen
      : attrs.activation === 'sigmoid'
        ? '1.0 / (1.0 + exp(-v))'
        : 'v';
  const biasRead = bias === 'none' ? '' : `v = v + Bias[${bias === 'batched' ? `t * ${N} + ` : ''}n];`;
  const code = `
    fn finish(t : i32, n : i32, acc : f32) -> f32 {
      var v = acc;
      ${biasRead}
      return ${act};
    }
    fn main(index : i32) {
      let tile = index;
      let t = tile / ${tilesM * tilesN};
      let rest = tile - t * ${tilesM * tilesN};
      let row0 = (rest / ${tilesN}) * ${ROWS};
      let col0 = (rest - (rest / ${tilesN}) * ${tilesN}) * ${COLS};
      if (t >= ${T} || index >= uniforms.size) { return; }
      let aBase = t * ${M * K};
      let bBase = t * ${K * N};
      ${cols.map((c) => `let n${c} = min(col0 + ${c}, ${N - 1});`).join('\n        ')}
      ${rows.map((r) => `let m${r} = min(row0 + ${r}, ${M - 1});`).join('\n        ')}
      ${rows.map((r) => `var acc${r} = vec4<f32>(0.0);`).join('\n        ')}
      for (var k = 0; k < ${K}; k++) {
        let bk = vec4<f32>(${cols.map((c) => b('k', `n${c}`)).join(', ')});
        ${rows.map((r) => `acc${r} = acc${r} + ${a(`m${r}`, 'k')} * bk;`).join('\n          ')}
      }
      let outBase = t * ${M * N};
      ${rows
        .map(
          (r) => `if (row0 + ${r} < ${M}) {
        ${cols.map((c) => `if (col0 + ${c} < ${N}) { setOutputAtIndex(outBase + (row0 + ${r}) * ${N} + col0 + ${c}, finish(t, col0 + ${c}, acc${r}[${c}])); }`).join('\n          ')}
      }`,
        )
        .join('\n        ')}
    }`;
  return new CodeWebGPUProgram(
    [T, M, N],
    bias === 'none' ? ['A', 'B'] : ['A', 'B', 'Bias'],
    'optiplayMatMul',
    code,
    undefined,
    T * tilesM * tilesN,
  );
}

/** The cpu kernel: four rows of the output at a time, k outer, the columns inner (contiguous in b). */
function cpuMatMul(
  A: Float32Array,
  Bv: Float32Array,
  T: number,
  M: number,
  K: number,
  N: number,
  attrs: Attrs,
  bias: { values: Float32Array; batched: boolean } | null,
): Float32Array {
  const out = new Float32Array(T * M * N);
  const rows = [new Float64Array(N), new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  const bRows = attrs.transposeB ? new Float32Array(K * N) : null;
  for (let t = 0; t < T; t++) {
    const aBase = t * M * K;
    let B = Bv;
    let bBase = t * K * N;
    if (bRows) {
      // b is [N, K] here: its rows in k order first, so the inner loop reads it contiguously
      for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) bRows[k * N + n] = Bv[bBase + n * K + k];
      B = bRows;
      bBase = 0;
    }
    // a[m, k] at aBase + m·K + k, or aBase + k·M + m when transposed
    const [mStep, kStep] = attrs.transposeA ? [1, M] : [K, 1];
    for (let m0 = 0; m0 < M; m0 += 4) {
      const count = Math.min(4, M - m0);
      const [r0, r1, r2, r3] = rows;
      r0.fill(0);
      r1.fill(0);
      r2.fill(0);
      r3.fill(0);
      // rows past the edge read row m0 again; their sums are never written
      const i0 = aBase + m0 * mStep;
      const i1 = aBase + (count > 1 ? m0 + 1 : m0) * mStep;
      const i2 = aBase + (count > 2 ? m0 + 2 : m0) * mStep;
      const i3 = aBase + (count > 3 ? m0 + 3 : m0) * mStep;
      for (let k = 0; k < K; k++) {
        const o = k * kStep;
        const a0 = A[i0 + o];
        const a1 = A[i1 + o];
        const a2 = A[i2 + o];
        const a3 = A[i3 + o];
        const bk = bBase + k * N;
        for (let n = 0; n < N; n++) {
          const bv = B[bk + n];
          r0[n] += a0 * bv;
          r1[n] += a1 * bv;
          r2[n] += a2 * bv;
          r3[n] += a3 * bv;
        }
      }
      for (let r = 0; r < count; r++) {
        const row = rows[r];
        const o = (t * M + m0 + r) * N;
        for (let n = 0; n < N; n++) {
          let v = bias ? Math.fround(row[n]) + bias.values[(bias.batched ? t * N : 0) + n] : row[n];
          if (attrs.activation === 'relu')
            v = v < 0 ? 0 : v; // NaN stays NaN, as tfjs's relu
          else if (attrs.activation === 'sigmoid') v = 1 / (1 + Math.exp(-v));
          out[o + n] = v;
        }
      }
    }
  }
  return out;
}

/** The product's sizes: T batches of [M, K]·[K, N]. */
function dims(
  a: { shape: number[] },
  b: { shape: number[] },
  at: Attrs,
): { T: number; M: number; K: number; N: number } {
  const [T, a1, a2] = a.shape;
  const [, b1, b2] = b.shape;
  const [M, K] = at.transposeA ? [a2, a1] : [a1, a2];
  return { T, M, K, N: at.transposeB ? b1 : b2 };
}

/** Whether the programs take these operands: float32, rank 3 with equal batch sizes and matching inner sizes, a bias [T, 1, N] or [N]. */
function fits(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean, bias?: tf.Tensor): boolean {
  if (a.rank !== 3 || b.rank !== 3 || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape[0] !== b.shape[0])
    return false;
  const K = transposeA ? a.shape[1] : a.shape[2];
  if (K !== (transposeB ? b.shape[2] : b.shape[1])) return false;
  if (!bias) return true;
  const N = transposeB ? b.shape[1] : b.shape[2];
  return (
    bias.dtype === 'float32' &&
    (tf.util.arraysEqual(bias.shape, [a.shape[0], 1, N]) || tf.util.arraysEqual(bias.shape, [N]))
  );
}

/** The reference: tfjs's fused matmul kernel (tf.matMul without bias or activation). */
function tfjsMatMul(a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor | undefined, at: Attrs): tf.Tensor {
  if (!bias && at.activation === 'linear') return tf.matMul(a, b, at.transposeA, at.transposeB);
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, { ...at, leakyreluAlpha: 0 }) as tf.Tensor;
}

interface MatMulCase {
  T: number;
  M: number;
  K: number;
  N: number;
  tA: boolean;
  tB: boolean;
  bias: 'none' | 'batched' | 'shared';
  act: MatMulActivation;
  nan?: boolean;
}

/** sizes that are not multiples of the 8×4 block, a batch of models, both transposes, a bias per model or shared, relu, sigmoid and a NaN */
const CASES: MatMulCase[] = [
  { T: 1, M: 128, K: 784, N: 128, tA: false, tB: false, bias: 'batched', act: 'relu' },
  { T: 1, M: 784, K: 128, N: 128, tA: true, tB: false, bias: 'none', act: 'linear' },
  { T: 1, M: 128, K: 64, N: 128, tA: false, tB: true, bias: 'none', act: 'linear' },
  { T: 3, M: 7, K: 5, N: 9, tA: false, tB: false, bias: 'batched', act: 'sigmoid' },
  { T: 2, M: 13, K: 3, N: 6, tA: true, tB: true, bias: 'shared', act: 'relu' },
  { T: 2, M: 1, K: 11, N: 1, tA: false, tB: false, bias: 'none', act: 'linear' },
  { T: 1, M: 9, K: 4, N: 5, tA: false, tB: false, bias: 'none', act: 'relu', nan: true },
];

function matMulCase(c: MatMulCase): KernelCase<Attrs> {
  const rng = randomCreate(c.M + c.K + c.N);
  const make = (shape: number[], nan = false): HostArray => ({
    shape,
    values: Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () =>
      nan && rng.uniform() < 0.1 ? NaN : rng.normal(),
    ),
  });
  const inputs: Record<string, HostArray> = {
    a: make(c.tA ? [c.T, c.K, c.M] : [c.T, c.M, c.K], c.nan),
    b: make(c.tB ? [c.T, c.N, c.K] : [c.T, c.K, c.N]),
  };
  if (c.bias !== 'none') inputs.bias = make(c.bias === 'batched' ? [c.T, 1, c.N] : [c.N]);
  const label = `${c.T}×(${c.M}×${c.K}·${c.K}×${c.N})${c.tA ? ', Aᵀ' : ''}${c.tB ? ', Bᵀ' : ''}${c.bias !== 'none' ? `, bias ${c.bias}` : ''}, ${c.act}${c.nan ? ', NaN in A' : ''}`;
  return { label, inputs, attrs: { transposeA: c.tA, transposeB: c.tB, activation: c.act } };
}

const read = (be: { data: { get(id: object): { values: unknown } } }, t: tf.TensorInfo) =>
  be.data.get(t.dataId).values as Float32Array;

export const batchMatMulKernel = defineKernel<Attrs>({
  name: 'OptiplayMatMul',
  summary: 'batched matrix products with bias and activation, where the backend’s own are slow',
  inputs: ['a', 'b', 'bias?'],
  // webgpu only on a software adapter: a real GPU keeps tfjs's tiled programs
  available: (backend) => backend === 'cpu' || webgpuIsSoftware(),
  fits: ({ a, b, bias }, at) => fits(a as tf.Tensor3D, b as tf.Tensor3D, at.transposeA, at.transposeB, bias),
  reference: ({ a, b, bias }, at) => tfjsMatMul(a, b, bias, at),
  webgpu: ({ a, b, bias }, at, backend) => {
    const { T, M, K, N } = dims(a, b, at);
    const kind = !bias ? 'none' : bias.shape.length === 3 ? 'batched' : 'shared';
    return backend.runWebGPUProgram(matMulProgram(T, M, K, N, at, kind), bias ? [a, b, bias] : [a, b], 'float32');
  },
  cpu: ({ a, b, bias }, at, backend) => {
    const { T, M, K, N } = dims(a, b, at);
    const biasValues = bias ? { values: read(backend, bias), batched: bias.shape.length === 3 } : null;
    return backend.makeTensorInfo(
      [T, M, N],
      'float32',
      cpuMatMul(read(backend, a), read(backend, b), T, M, K, N, at, biasValues),
    );
  },
  naive: ({ a, b, bias }, at) => {
    const { T, M, K, N } = dims(a, b, at);
    const out = new Float64Array(T * M * N);
    for (let t = 0; t < T; t++) {
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) {
            const x = at.transposeA ? a.values[(t * K + k) * M + m] : a.values[(t * M + m) * K + k];
            const y = at.transposeB ? b.values[(t * N + n) * K + k] : b.values[(t * K + k) * N + n];
            s += x * y;
          }
          if (bias) s += bias.values[(bias.shape.length === 3 ? t * N : 0) + n];
          out[(t * M + m) * N + n] =
            at.activation === 'relu' ? (s < 0 ? 0 : s) : at.activation === 'sigmoid' ? 1 / (1 + Math.exp(-s)) : s;
        }
      }
    }
    return [out];
  },
  cases: () => CASES.map(matMulCase),
});

/**
 * act(op(a)·op(b) + bias) for batched a [T, ·, ·] and b [T, ·, ·]: OptiplayMatMul where it runs (cpu,
 * a software WebGPU adapter), tfjs's fused matmul elsewhere. No gradient is recorded: the callers
 * (models.ts) write their gradients out.
 */
export function batchMatMul(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor; activation?: MatMulActivation } = {},
): tf.Tensor3D {
  const { transposeA = false, transposeB = false, bias, activation = 'linear' } = options;
  const inputs: Record<string, tf.Tensor> = bias ? { a, b, bias } : { a, b };
  return batchMatMulKernel.run(inputs, { transposeA, transposeB, activation })[0] as tf.Tensor3D;
}
