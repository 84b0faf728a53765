/**
 * Every defined kernel's cases on the current backend: its output (the kernel's own program where the
 * backend has one, else the tf ops) against its tf-op reference on the same backend and against its
 * plain float64 loop. On cpu the loop is the independent check and must agree; on the GPU backends the
 * tf ops are (the loop's distance there is float32 and the GPU's sin and exp, reported as it is). The
 * self-test page runs this on webgpu and webgl, the unit tests on cpu (kernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { KERNELS } from '../kernels';
import { KERNEL_TOLERANCE, type HostArray, type Kernel } from '../kernels/kernel';
import { maxRelErrorNaN } from './compare';

export interface KernelCaseResult {
  kernel: string;
  label: string;
  /** whether the kernel's own program ran (not the tf ops) */
  program: boolean;
  /** worst relative error against the tf-op reference, and against the plain loop (null: none; decides only on cpu) */
  vsReference: number;
  vsNaive: number | null;
  tolerance: number;
  naiveTolerance: number;
  passed: boolean;
}

const tensorOf = (h: HostArray) => tf.tensor(h.values, h.shape, 'float32');

/** One kernel's cases; `kernels` defaults to every kernel. */
export async function kernelChecks(kernels: Kernel<object>[] = KERNELS): Promise<KernelCaseResult[]> {
  const results: KernelCaseResult[] = [];
  for (const kernel of kernels) {
    for (const c of kernel.cases()) {
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tensorOf(v)]));
      const program = kernel.on(inputs, c.attrs);
      const [got, want] = tf.tidy(() => [kernel.run(inputs, c.attrs), [kernel.reference(inputs, c.attrs)].flat()]);
      const naive = kernel.naive?.(c.inputs, c.attrs) ?? null;
      let vsReference = 0;
      let vsNaive: number | null = naive ? 0 : null;
      for (let o = 0; o < got.length; o++) {
        const values = await got[o].data();
        const keep = c.compare ? (i: number) => c.compare!(o, i) : undefined;
        vsReference = Math.max(vsReference, maxRelErrorNaN(values, await want[o].data(), keep));
        if (naive) vsNaive = Math.max(vsNaive!, maxRelErrorNaN(values, naive[o], keep));
      }
      const tolerance = c.tolerance ?? KERNEL_TOLERANCE;
      const naiveTolerance = c.naiveTolerance ?? tolerance;
      const ok = (e: number | null, limit: number) => e === null || (limit === 0 ? e === 0 : e < limit);
      const passed = ok(vsReference, tolerance) && (tf.getBackend() !== 'cpu' || ok(vsNaive, naiveTolerance));
      results.push({
        kernel: kernel.name,
        label: c.label,
        program,
        vsReference,
        vsNaive,
        tolerance,
        naiveTolerance,
        passed,
      });
      tf.dispose([...Object.values(inputs), ...got, ...want]);
    }
  }
  return results;
}
