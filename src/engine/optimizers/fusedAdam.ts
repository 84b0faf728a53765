/**
 * Adam's update of one parameter as one kernel call on the GPU backends.
 *
 * Written with tf ops, Adam's rule is about a dozen element-wise kernels per parameter tensor (each
 * reading and writing the whole tensor): 78 of the ~230 kernels of an MLP training step. Here the
 * same arithmetic runs as three GPU programs (new m, new v, new θ), each reading θ, g, m and v once.
 * It is registered as the kernel `OptiplayAdamStep` for webgl and webgpu only; on other backends
 * (cpu, Node) `adamStepKernel()` is false and Adam keeps its tf-op path, which is also the reference
 * the e2e suite compares this against.
 *
 * The per-step scalars arrive as uniforms, computed in float64 in JavaScript, so a new step size does
 * not compile a new program. They must be the same for every run stepped together (a sweep over lr
 * uses the tf-op path).
 */
import * as tf from '@tensorflow/tfjs-core';

export const ADAM_STEP = 'OptiplayAdamStep';

/** The scalars of one Adam step, in the order the programs declare them. */
export interface AdamStepScalars {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** η / (1 − β₁ᵗ) */
  stepSize: number;
  /** √(1 − β₂ᵗ) */
  bias2Sqrt: number;
  eps: number;
  /** coupled weight decay λ (Adam): g ← g + λθ */
  weightDecay: number;
  /** decoupled weight decay (AdamW): θ ← θ·shrink before the update; 1 for Adam */
  shrink: number;
}

const SCALARS: (keyof AdamStepScalars)[] = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'stepSize', 'bias2Sqrt', 'eps', 'weightDecay', 'shrink'];
const OUTPUTS = ['m', 'v', 'param'] as const;
type Output = (typeof OUTPUTS)[number];

/** The same expressions in GLSL (vec4) and WGSL (f32); `u` is how a scalar is named. */
function body(out: Output, u: (name: string) => string, vec: string): string {
  const lines = [
    `g = g + ${u('weightDecay')} * p;`,
    `let mNew = ${u('beta1')} * m + ${u('oneMinusBeta1')} * g;`,
    `let vNew = ${u('beta2')} * v + ${u('oneMinusBeta2')} * (g * g);`,
  ];
  if (out === 'm') lines.push('result = mNew;');
  else if (out === 'v') lines.push('result = vNew;');
  else lines.push(`result = p * ${u('shrink')} - ${u('stepSize')} * (mNew / (sqrt(vNew) / ${u('bias2Sqrt')} + ${vec}(${u('eps')})));`);
  return lines.join('\n');
}

/** WebGL: a packed program (θ, g, m, v of the same shape, four values per texel). */
class AdamStepWebGLProgram {
  variableNames = ['P', 'G', 'M', 'V'];
  packedInputs = true;
  packedOutput = true;
  customUniforms = SCALARS.map((name) => ({ name: `adam_${name}`, type: 'float' as const }));
  userCode: string;
  constructor(readonly outputShape: number[], out: Output) {
    const code = body(out, (n) => `adam_${n}`, 'vec4').replace(/\blet (\w+) =/g, 'vec4 $1 =');
    this.userCode = `
      void main() {
        vec4 p = getPAtOutCoords();
        vec4 g = getGAtOutCoords();
        vec4 m = getMAtOutCoords();
        vec4 v = getVAtOutCoords();
        vec4 result;
        ${code}
        setOutput(result);
      }`;
  }
}

const WORKGROUP = 64;

/** WebGPU: one thread per element, flat dispatch. */
class AdamStepWebGPUProgram {
  variableNames = ['P', 'G', 'M', 'V'];
  uniforms = SCALARS.map((name) => `${name} : f32,`).join(' ');
  size = true;
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;
  constructor(readonly outputShape: number[], private readonly out: Output) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP), 1, 1];
    this.shaderKey = `optiplayAdam_${out}`;
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let p = getPByOutputIndex(index);
          var g = getGByOutputIndex(index);
          let m = getMByOutputIndex(index);
          let v = getVByOutputIndex(index);
          var result : f32;
          ${body(this.out, (n) => `uniforms.${n}`, 'f32')}
          setOutputAtIndex(index, result);
        }
      }`;
  }
}

interface GLBackend {
  runWebGLProgram(program: AdamStepWebGLProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: number[][]): tf.TensorInfo;
}
interface GPUBackend {
  runWebGPUProgram(program: AdamStepWebGPUProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms: { type: 'float32'; data: number[] }[]): tf.TensorInfo;
}

function inputsOf(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const list = [inputs.param, inputs.grad, inputs.m, inputs.v].map((t) => {
    if (t === undefined) throw new Error(`${ADAM_STEP}: needs param, grad, m and v`);
    return t;
  });
  for (const t of list) {
    if (t.dtype !== 'float32') throw new Error(`${ADAM_STEP}: expected float32 tensors, got ${t.dtype}`);
    if (!tf.util.arraysEqual(t.shape, list[0].shape)) throw new Error(`${ADAM_STEP}: θ, g, m and v must have the same shape`);
  }
  return list;
}

let registered = false;
let enabled = true;

/** Turns the fused kernel off (true: on) — for comparing it with the tf-op path. */
export function adamFusionSet(on: boolean): void {
  enabled = on;
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: ADAM_STEP,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const list = inputsOf(inputs);
      const values = SCALARS.map((k) => [(attrs as unknown as AdamStepScalars)[k]]);
      return OUTPUTS.map((out) => (backend as unknown as GLBackend).runWebGLProgram(new AdamStepWebGLProgram(list[0].shape, out), list, 'float32', values));
    },
  });
  tf.registerKernel({
    kernelName: ADAM_STEP,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const list = inputsOf(inputs);
      const uniforms = SCALARS.map((k) => ({ type: 'float32' as const, data: [(attrs as unknown as AdamStepScalars)[k]] }));
      return OUTPUTS.map((out) => (backend as unknown as GPUBackend).runWebGPUProgram(new AdamStepWebGPUProgram(list[0].shape, out), list, 'float32', uniforms));
    },
  });
}

/** Whether the current backend runs Adam's step as one fused kernel. */
export function adamStepKernel(): boolean {
  if (!enabled) return false;
  register();
  return tf.getKernel(ADAM_STEP, tf.getBackend()) !== undefined;
}

/** New θ, m and v for one parameter (the caller has checked `adamStepKernel()`). */
export function adamStep(param: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, scalars: AdamStepScalars): { param: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  const [mNew, vNew, pNew] = tf.engine().runKernel(ADAM_STEP, { param, grad, m, v }, scalars as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { param: pNew, m: mNew, v: vNew };
}
