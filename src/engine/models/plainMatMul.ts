/**
 * Batched matrix products where the backend's own are slow: a software WebGPU adapter (SwiftShader:
 * headless Chromium with no GPU), as one GPU program each without workgroup memory, and the cpu
 * backend (the browser's last resort, the CLI in Node and the unit tests), as a loop in row order.
 *
 * tfjs's WebGPU matmul programs stage tiles of both operands in workgroup memory between barriers,
 * which is what a real GPU wants. SwiftShader runs a workgroup's invocations on a CPU core and
 * implements each barrier by switching between them, so those programs spend most of their time
 * there: the MNIST layer's 128×784·784×128 took ~57 ms (its weight gradient, 784×128·128×128, ~79 ms),
 * most of a training step. Here each invocation computes an 8×4 block of the output straight from the
 * operands, with no barrier: 17 ms for either (measured on this machine's SwiftShader, 10 runs each).
 * The sums run over k in the same order as tfjs's, so the results match to rounding.
 *
 *   OptiplayMatMul  a [T, M, K] (or [T, K, M] with transposeA) · b [T, K, N] (or [T, N, K] with
 *                   transposeB) → [T, M, N], then + bias ([T, 1, N] or [N]) and relu or sigmoid.
 *
 * On cpu, tfjs's BatchMatMul walks k innermost, reading one operand with a stride of a whole row,
 * in 48-wide blocks: 45 ms for 128×784·784×128 and 83 ms for the weight gradient in Node on this
 * machine. Here four output rows accumulate together over k with the inner loop along a row of b
 * (contiguous; a transposed b is copied into row order first), in float64 as tfjs's blocks do: 19 ms
 * for either.
 *
 * Used where the active backend is webgpu on a SwiftShader adapter or cpu (`plainMatMulOn`); a real
 * GPU keeps tfjs's programs, and webgl never sees this kernel. The self-test page and the unit tests
 * compare it with tfjs's matmul on odd shapes (plainMatMulCheck.ts) and run the torch MLP fixtures
 * through it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CodeWebGPUProgram } from '../webgpuProgram';

export const PLAIN_MATMUL = 'OptiplayMatMul';

export type PlainActivation = 'linear' | 'relu' | 'sigmoid';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: PlainActivation;
}

const ROWS = 8;
const COLS = 4;

/** One invocation per 8×4 block of the output [T, M, N]. */
function plainMatMulProgram(
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

interface GPUBackend {
  runWebGPUProgram(program: CodeWebGPUProgram, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
}

let registered = false;
let enabled = true;

/** Turns the kernel off (true: on) — for comparing it with tfjs's matmul. */
export function plainMatMulSet(on: boolean): void {
  enabled = on;
}

/** The product's sizes: T batches of [M, K]·[K, N]. */
function dims(a: tf.TensorInfo, b: tf.TensorInfo, at: Attrs): { T: number; M: number; K: number; N: number } {
  const [T, a1, a2] = a.shape;
  const [, b1, b2] = b.shape;
  const [M, K] = at.transposeA ? [a2, a1] : [a1, a2];
  return { T, M, K, N: at.transposeB ? b1 : b2 };
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: PLAIN_MATMUL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b, bias } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
      const at = attrs as unknown as Attrs;
      const { T, M, K, N } = dims(a, b, at);
      const kind = !bias ? 'none' : bias.shape.length === 3 ? 'batched' : 'shared';
      const program = plainMatMulProgram(T, M, K, N, at, kind);
      return (backend as unknown as GPUBackend).runWebGPUProgram(program, bias ? [a, b, bias] : [a, b], 'float32');
    },
  });
  tf.registerKernel({
    kernelName: PLAIN_MATMUL,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { a, b, bias } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo };
      const be = backend as unknown as CPUBackend;
      const read = (t: tf.TensorInfo) => be.data.get(t.dataId).values as Float32Array;
      const at = attrs as unknown as Attrs;
      const { T, M, K, N } = dims(a, b, at);
      const out = cpuMatMul(
        read(a),
        read(b),
        T,
        M,
        K,
        N,
        at,
        bias ? { values: read(bias), batched: bias.shape.length === 3 } : null,
      );
      return be.makeTensorInfo([T, M, N], 'float32', out);
    },
  });
}

interface CPUBackend {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
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

/** Whether batched products go through OptiplayMatMul here: cpu, or webgpu on a SwiftShader adapter. */
export function plainMatMulOn(): boolean {
  if (!enabled) return false;
  const name = tf.getBackend();
  if (name === 'webgpu') {
    const info = (tf.backend() as { adapterInfo?: { architecture?: string } }).adapterInfo;
    if (info?.architecture !== 'swiftshader') return false;
  } else if (name !== 'cpu') return false;
  register();
  return true;
}

/** Whether OptiplayMatMul takes these operands: float32, rank 3 with equal batch sizes and matching inner sizes, a bias [T, 1, N] or [N]. */
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

/**
 * act(op(a)·op(b) + bias) for batched a [T, ·, ·] and b [T, ·, ·]: OptiplayMatMul where plainMatMulOn
 * holds, tfjs's fused matmul kernel (or tf.matMul, with no bias or activation) elsewhere. No gradient
 * is recorded for the kernel: the callers (models.ts) write their gradients out.
 */
export function batchMatMul(
  a: tf.Tensor3D,
  b: tf.Tensor3D,
  options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor; activation?: PlainActivation } = {},
): tf.Tensor3D {
  const { transposeA = false, transposeB = false, bias, activation = 'linear' } = options;
  if (plainMatMulOn() && fits(a, b, transposeA, transposeB, bias)) {
    return tf.engine().runKernel(PLAIN_MATMUL, bias ? { a, b, bias } : { a, b }, {
      transposeA,
      transposeB,
      activation,
    } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
  }
  if (!bias && activation === 'linear') return tf.matMul(a, b, transposeA, transposeB);
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf
    .engine()
    .runKernel(tf._FusedMatMul, inputs, { transposeA, transposeB, activation, leakyreluAlpha: 0 }) as tf.Tensor3D;
}
