/**
 * One way to define a kernel of the engine's own: `defineKernel` takes its name, inputs, the same
 * computation in tf ops (the reference, and the path on backends without a program), its programs
 * for webgl, webgpu and cpu, an independent plain-loop reference, and the cases it is checked on. The
 * self-test page and a unit test loop over every defined kernel (kernels/index.ts), so a kernel is
 * checked by being defined.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What a webgl program run needs from tfjs-backend-webgl (the program object is that backend's GPGPUProgram). */
export interface WebGLBackendLike {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: number[][]): tf.TensorInfo;
}

export type WebGPUUniform = { type: 'float32' | 'int32'; data: number[] };

/** What a webgpu program run needs from tfjs-backend-webgpu. */
export interface WebGPUBackendLike {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: WebGPUUniform[],
  ): tf.TensorInfo;
  device?: { limits?: { maxStorageBuffersPerShaderStage?: number } };
  adapterInfo?: { architecture?: string };
}

/** What a cpu kernel needs from tfjs-backend-cpu. */
export interface CPUBackendLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

export type Infos = Record<string, tf.TensorInfo>;
export type Tensors = Record<string, tf.Tensor>;
type Attrs = object;
type Out = tf.TensorInfo | tf.TensorInfo[];

/** A host-side array with its shape: a case's inputs, and what the plain-loop reference reads. */
export interface HostArray {
  shape: number[];
  values: Float32Array;
}

export interface KernelCase<A extends Attrs> {
  label: string;
  inputs: Record<string, HostArray>;
  attrs: A;
  /** largest relative error allowed (default KERNEL_TOLERANCE); 0: exactly equal */
  tolerance?: number;
  /** against the float64 plain loop, where float32 arithmetic itself is further off (default: tolerance) */
  naiveTolerance?: number;
  /** which values of output `o` (flat index i) are compared (default all) */
  compare?: (o: number, i: number) => boolean;
}

export interface KernelDefinition<A extends Attrs> {
  /** the tfjs kernel name, `Optiplay…` */
  name: string;
  /** what it computes, in a line */
  summary: string;
  /** input names, in the order the programs take them (a name ending in ? may be absent), or as the attributes say */
  inputs: string[] | ((attrs: A) => string[]);
  /** where the backend has a program, whether it may run here (e.g. only on a software WebGPU adapter) */
  available?: (backend: string) => boolean;
  /** whether these inputs suit the programs (size limits, dtypes); otherwise the reference runs */
  fits?: (inputs: Tensors, attrs: A) => boolean;
  /** the same computation in tf ops (call inside tf.tidy or dispose what it returns) */
  reference: (inputs: Tensors, attrs: A) => tf.Tensor | tf.Tensor[];
  webgl?: (inputs: Infos, attrs: A, backend: WebGLBackendLike) => Out;
  webgpu?: (inputs: Infos, attrs: A, backend: WebGPUBackendLike) => Out;
  cpu?: (inputs: Infos, attrs: A, backend: CPUBackendLike) => Out;
  /** a plain-JavaScript loop that computes the outputs (flat), independent of the tf ops */
  naive?: (inputs: Record<string, HostArray>, attrs: A) => ArrayLike<number>[];
  /** what the checks run, on every backend */
  cases: () => KernelCase<A>[];
}

export interface Kernel<A extends Attrs> extends KernelDefinition<A> {
  /** whether the current backend runs this kernel's own program (for these inputs, when given) */
  on(inputs?: Tensors, attrs?: A): boolean;
  /** the kernel's program where `on`, else the reference; always a list of outputs */
  run(inputs: Tensors, attrs: A): tf.Tensor[];
  /** turns the programs off (false) or on again: the benchmarks' before/after, the checks' path switches */
  enable(on: boolean): void;
}

/** A kernel checked against its references passes below this relative error unless a case says otherwise. */
export const KERNEL_TOLERANCE = 1e-5;

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** The named inputs that are given, in the declared order; a missing required one or a non-float32 one throws. */
function inputsOf<T extends tf.TensorInfo>(
  name: string,
  declared: string[],
  given: Record<string, T | undefined>,
): T[] {
  const out: T[] = [];
  for (const d of declared) {
    const optional = d.endsWith('?');
    const key = optional ? d.slice(0, -1) : d;
    const t = given[key];
    if (t === undefined) {
      if (optional) continue;
      throw new Error(`${name}: needs ${declared.filter((x) => !x.endsWith('?')).join(', ')}`);
    }
    if (t.dtype !== 'float32') throw new Error(`${name}: ${key} must be float32, got ${t.dtype}`);
    out.push(t);
  }
  return out;
}

export function defineKernel<A extends Attrs>(def: KernelDefinition<A>): Kernel<A> {
  let registered = false;
  let enabled = true;
  const register = () => {
    if (registered) return;
    registered = true;
    for (const backendName of ['webgl', 'webgpu', 'cpu'] as const) {
      const impl = def[backendName] as ((i: Infos, a: A, b: unknown) => Out) | undefined;
      if (!impl) continue;
      tf.registerKernel({
        kernelName: def.name,
        backendName,
        kernelFunc: ({ inputs, attrs, backend }) => {
          const declared = typeof def.inputs === 'function' ? def.inputs(attrs as unknown as A) : def.inputs;
          inputsOf(def.name, declared, inputs as Record<string, tf.TensorInfo | undefined>);
          return impl(inputs as Infos, attrs as unknown as A, backend);
        },
      });
    }
  };
  const on = (inputs?: Tensors, attrs?: A): boolean => {
    if (!enabled) return false;
    register();
    const backend = tf.getBackend();
    if (tf.getKernel(def.name, backend) === undefined) return false;
    if (def.available && !def.available(backend)) return false;
    return inputs === undefined || attrs === undefined || !def.fits || def.fits(inputs, attrs);
  };
  return {
    ...def,
    on,
    run(inputs, attrs) {
      if (!on(inputs, attrs)) return list(def.reference(inputs, attrs));
      const given = Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined));
      return list(
        tf.engine().runKernel(def.name, given, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[],
      );
    },
    enable(value) {
      enabled = value;
    },
  };
}

/** Is the current backend a software WebGPU adapter (SwiftShader: headless Chromium with no GPU)? */
export function webgpuIsSoftware(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  return (tf.backend() as unknown as WebGPUBackendLike).adapterInfo?.architecture === 'swiftshader';
}

/** How many tensors one program may read on this backend (texture units; storage buffers less the output). */
export function programInputLimit(): number {
  const device = (tf.backend() as unknown as WebGPUBackendLike).device;
  if (device) return (device.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1;
  return 15; // WebGL 2 guarantees 16 texture units per fragment shader
}
