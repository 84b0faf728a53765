/**
 * Batched matrix products for a software WebGPU adapter (SwiftShader: headless Chromium with no GPU),
 * as one GPU program each, without workgroup memory.
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
 * Used only where the active backend is webgpu on a SwiftShader adapter (`plainMatMulOn`); a real
 * GPU keeps tfjs's programs, and webgl and cpu never see this kernel. The self-test page compares it
 * with tfjs's matmul on odd shapes (plainMatMulCheck.ts) and runs the torch MLP fixtures through it.
 */
import * as tf from '@tensorflow/tfjs-core';

export const PLAIN_MATMUL = 'OptiplayMatMul';

export type PlainActivation = 'linear' | 'relu' | 'sigmoid';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: PlainActivation;
}

const ROWS = 8;
const COLS = 4;
const WORKGROUP = 64;

class PlainMatMulProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  size = true;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  private readonly code: string;
  constructor(T: number, M: number, K: number, N: number, attrs: Attrs, bias: 'none' | 'batched' | 'shared') {
    this.variableNames = bias === 'none' ? ['A', 'B'] : ['A', 'B', 'Bias'];
    this.outputShape = [T, M, N];
    const tilesM = Math.ceil(M / ROWS);
    const tilesN = Math.ceil(N / COLS);
    this.dispatch = [Math.ceil((T * tilesM * tilesN) / WORKGROUP), 1, 1];
    const a = (m: string, k: string) => (attrs.transposeA ? `A[aBase + ${k} * ${M} + ${m}]` : `A[aBase + ${m} * ${K} + ${k}]`);
    const b = (k: string, n: string) => (attrs.transposeB ? `B[bBase + ${n} * ${K} + ${k}]` : `B[bBase + ${k} * ${N} + ${n}]`);
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
    this.code = `
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
          .map((r) => `if (row0 + ${r} < ${M}) {
          ${cols.map((c) => `if (col0 + ${c} < ${N}) { setOutputAtIndex(outBase + (row0 + ${r}) * ${N} + col0 + ${c}, finish(t, col0 + ${c}, acc${r}[${c}])); }`).join('\n          ')}
        }`)
          .join('\n        ')}
      }`;
    // tfjs-webgpu caches compiled programs by shaderKey alone: the whole shader is the key
    this.shaderKey = `optiplayMatMul_${this.code}`;
  }
  getUserCode(): string {
    return this.code;
  }
}

interface GPUBackend {
  runWebGPUProgram(program: PlainMatMulProgram, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
}

let registered = false;
let enabled = true;

/** Turns the kernel off (true: on) — for comparing it with tfjs's matmul. */
export function plainMatMulSet(on: boolean): void {
  enabled = on;
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
      const [T, a1, a2] = a.shape;
      const [, b1, b2] = b.shape;
      const [M, K] = at.transposeA ? [a2, a1] : [a1, a2];
      const N = at.transposeB ? b1 : b2;
      const kind = !bias ? 'none' : bias.shape.length === 3 ? 'batched' : 'shared';
      const program = new PlainMatMulProgram(T, M, K, N, at, kind);
      return (backend as unknown as GPUBackend).runWebGPUProgram(program, bias ? [a, b, bias] : [a, b], 'float32');
    },
  });
}

/** Whether batched products go through OptiplayMatMul here: webgpu on a SwiftShader adapter. */
export function plainMatMulOn(): boolean {
  if (!enabled || tf.getBackend() !== 'webgpu') return false;
  const info = (tf.backend() as { adapterInfo?: { architecture?: string } }).adapterInfo;
  if (info?.architecture !== 'swiftshader') return false;
  register();
  return true;
}

/** Whether OptiplayMatMul takes these operands: float32, rank 3 with equal batch sizes and matching inner sizes, a bias [T, 1, N] or [N]. */
function fits(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean, bias?: tf.Tensor): boolean {
  if (a.rank !== 3 || b.rank !== 3 || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape[0] !== b.shape[0]) return false;
  const K = transposeA ? a.shape[1] : a.shape[2];
  if (K !== (transposeB ? b.shape[2] : b.shape[1])) return false;
  if (!bias) return true;
  const N = transposeB ? b.shape[1] : b.shape[2];
  return bias.dtype === 'float32' && (tf.util.arraysEqual(bias.shape, [a.shape[0], 1, N]) || tf.util.arraysEqual(bias.shape, [N]));
}

/**
 * act(op(a)·op(b) + bias) for batched a [T, ·, ·] and b [T, ·, ·]: OptiplayMatMul where plainMatMulOn
 * holds, tfjs's fused matmul kernel (or tf.matMul, with no bias or activation) elsewhere. No gradient
 * is recorded for the kernel: the callers (models.ts) write their gradients out.
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, options: { transposeA?: boolean; transposeB?: boolean; bias?: tf.Tensor; activation?: PlainActivation } = {}): tf.Tensor3D {
  const { transposeA = false, transposeB = false, bias, activation = 'linear' } = options;
  if (plainMatMulOn() && fits(a, b, transposeA, transposeB, bias)) {
    return tf.engine().runKernel(PLAIN_MATMUL, bias ? { a, b, bias } : { a, b }, { transposeA, transposeB, activation } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
  }
  if (!bias && activation === 'linear') return tf.matMul(a, b, transposeA, transposeB);
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, { transposeA, transposeB, activation, leakyreluAlpha: 0 }) as tf.Tensor3D;
}
