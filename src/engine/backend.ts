/**
 * Backend selection: webgpu → webgl → cpu. Reports which backend is active and why each faster one
 * was skipped, so the UI can tell the user what was used instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

import { BACKEND_ORDER, type BackendName, type BackendReport, type BackendSkip } from './backendInfo';

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** Why webgpu cannot start here, or null if an adapter is available. */
async function webgpuUnavailableReason(): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return 'WebGPU is not available in this browser (navigator.gpu is missing)';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no WebGPU adapter was found (requestAdapter returned null)';
  } catch (err) {
    return `requesting a WebGPU adapter failed: ${errorText(err)}`;
  }
  return null;
}

function webglUnavailableReason(): string | null {
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown } };
  if (
    typeof g.OffscreenCanvas === 'undefined' &&
    typeof (globalThis as { document?: unknown }).document === 'undefined'
  ) {
    return 'WebGL needs a browser (no canvas here)';
  }
  return null;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Registers the GPU backends on demand, so Node and the first paint never load their kernels. */
async function backendRegister(name: BackendName): Promise<void> {
  if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
}

/**
 * On a software WebGPU adapter (SwiftShader: the GPU emulated on the CPU, as in headless Chromium with
 * no GPU), tfjs's matmul heuristics pick programs that split small outputs into more workgroups, for
 * a real GPU's occupancy; emulated, they cost far more than the plain tiled program (README,
 * Performance). A real GPU keeps tfjs's choice.
 */
function webgpuTune(): void {
  const info = (tf.backend() as { adapterInfo?: { architecture?: string } }).adapterInfo;
  if (info?.architecture === 'swiftshader') tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', WEBGPU_MATMUL_TILED);
}
/** tfjs-backend-webgpu's MatMulProgramType.MatMulPackedProgram (the enum is not exported) */
const WEBGPU_MATMUL_TILED = 3;

async function backendTry(name: BackendName): Promise<string | null> {
  const pre = name === 'webgpu' ? await webgpuUnavailableReason() : name === 'webgl' ? webglUnavailableReason() : null;
  if (pre) return pre;
  try {
    await backendRegister(name);
    const ok = await tf.setBackend(name);
    if (!ok) return `the ${name} backend failed to initialise`;
    await tf.ready();
    if (name === 'webgpu') webgpuTune();
    // A backend can initialise and still fail on its first kernel (lost context, bad driver): check one.
    const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
    const values = await probe.data();
    probe.dispose();
    if (values[0] !== 2 || values[1] !== 3) return `the ${name} backend computed wrong values in a self-test`;
    return null;
  } catch (err) {
    return `the ${name} backend failed: ${errorText(err)}`;
  }
}

/**
 * Picks the fastest backend that works. A requested backend is tried first; if it fails, the usual
 * order continues after it and the report says why.
 */
export async function backendSelect(requested?: BackendName): Promise<BackendReport> {
  const skipped: BackendSkip[] = [];
  const order = requested ? BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(requested)) : BACKEND_ORDER;
  for (const name of order) {
    if (name === 'cpu') break;
    const reason = await backendTry(name);
    if (reason === null) return { active: name, requested, skipped };
    skipped.push({ backend: name, reason });
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { active: 'cpu', requested, skipped };
}
