/**
 * OptiplayMatMul (plainMatMul.ts) against tfjs's matmul on the current backend, for the self-test
 * page; apart from the kernel so that the app's bundle does not carry the check.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxRelError } from '../optimizers/torchCheck';
import { batchMatMul, plainMatMulOn, plainMatMulSet, type PlainActivation } from './plainMatMul';

/**
 * OptiplayMatMul against tfjs's fused matmul on the current backend, on shapes that reach every edge
 * (sizes that are not multiples of the 8×4 block, a batch of models, both transposes, a bias per
 * model or shared, relu and sigmoid, and a NaN that relu must keep). Empty where the kernel is not
 * used (webgl, cpu, a real GPU).
 */
export async function plainMatMulCheck(): Promise<{ label: string; maxRelError: number }[]> {
  if (!plainMatMulOn()) return [];
  const cases: {
    T: number;
    M: number;
    K: number;
    N: number;
    tA: boolean;
    tB: boolean;
    bias: 'none' | 'batched' | 'shared';
    act: PlainActivation;
    nan?: boolean;
  }[] = [
    { T: 1, M: 128, K: 784, N: 128, tA: false, tB: false, bias: 'batched', act: 'relu' },
    { T: 1, M: 784, K: 128, N: 128, tA: true, tB: false, bias: 'none', act: 'linear' },
    { T: 1, M: 128, K: 64, N: 128, tA: false, tB: true, bias: 'none', act: 'linear' },
    { T: 3, M: 7, K: 5, N: 9, tA: false, tB: false, bias: 'batched', act: 'sigmoid' },
    { T: 2, M: 13, K: 3, N: 6, tA: true, tB: true, bias: 'shared', act: 'relu' },
    { T: 2, M: 1, K: 11, N: 1, tA: false, tB: false, bias: 'none', act: 'linear' },
    { T: 1, M: 9, K: 4, N: 5, tA: false, tB: false, bias: 'none', act: 'relu', nan: true },
  ];
  const out: { label: string; maxRelError: number }[] = [];
  for (const c of cases) {
    const aShape: [number, number, number] = c.tA ? [c.T, c.K, c.M] : [c.T, c.M, c.K];
    const bShape: [number, number, number] = c.tB ? [c.T, c.N, c.K] : [c.T, c.K, c.N];
    const a = tf.tidy(() => {
      const r = tf.randomNormal(aShape, 0, 1, 'float32', c.M + c.K);
      return c.nan ? tf.where(tf.less(tf.randomUniform(aShape, 0, 1, 'float32', 3), 0.1), tf.fill(aShape, NaN), r) : r;
    }) as tf.Tensor3D;
    const b = tf.randomNormal(bShape, 0, 1, 'float32', c.N + 1) as tf.Tensor3D;
    const bias =
      c.bias === 'none' ? undefined : tf.randomNormal(c.bias === 'batched' ? [c.T, 1, c.N] : [c.N], 0, 1, 'float32', 5);
    const options = { transposeA: c.tA, transposeB: c.tB, bias, activation: c.act };
    const got = batchMatMul(a, b, options);
    plainMatMulSet(false);
    const want = batchMatMul(a, b, options);
    plainMatMulSet(true);
    const [g, w] = [await got.data(), await want.data()];
    // NaN where tfjs has NaN (maxRelError counts any NaN as infinitely wrong)
    const nanAgree = Array.from(w).every((v, i) => Number.isNaN(v) === Number.isNaN(g[i]));
    const keep = (x: ArrayLike<number>) => Array.from(x).map((v) => (Number.isNaN(v) ? 0 : v));
    const label = `${c.T}×(${c.M}×${c.K}·${c.K}×${c.N})${c.tA ? ', Aᵀ' : ''}${c.tB ? ', Bᵀ' : ''}${c.bias !== 'none' ? `, bias ${c.bias}` : ''}, ${c.act}${c.nan ? ', NaN in A' : ''}`;
    out.push({ label, maxRelError: nanAgree ? maxRelError(keep(g), keep(w)) : Infinity });
    tf.dispose([a, b, got, want, ...(bias ? [bias] : [])]);
  }
  return out;
}
