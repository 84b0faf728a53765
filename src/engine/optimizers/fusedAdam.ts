/**
 * Adam's update of one parameter as one kernel call on the GPU backends.
 *
 * Written with tf ops, Adam's rule is about a dozen element-wise kernels per parameter tensor (each
 * reading and writing the whole tensor): 78 of the ~230 kernels of an MLP training step. Here the
 * same arithmetic runs as two GPU programs: the new state (m and v stacked in one tensor, so one
 * program writes both) and the new θ. Three programs, with m and v apart, cost the MNIST step six
 * more programs, about 0.2 ms each on SwiftShader (stepKernels.ts).
 * It is registered as the kernel `OptiplayAdamStep` for webgl and webgpu only; on other backends
 * (cpu, Node) `adamStepKernel()` is false and Adam keeps its tf-op path, which is also the reference
 * the e2e suite compares this against.
 *
 * The per-step scalars arrive as uniforms, computed in float64 in JavaScript, so a new step size does
 * not compile a new program. The betas, ε and weight decay must be the same for every run stepped
 * together (a sweep over those uses the tf-op path); a sweep over the learning rate passes each row's
 * step size and shrink as a small [K, 2] input.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FlatWebGPUProgram } from '../webgpuProgram';

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

const SCALARS: (keyof AdamStepScalars)[] = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'stepSize',
  'bias2Sqrt',
  'eps',
  'weightDecay',
  'shrink',
];
/** the two programs: the new state (m and v stacked), the new θ */
type Output = 'mv' | 'param';

/**
 * The same expressions in GLSL (vec4) and WGSL (f32); `u` is how a scalar is named. The 'mv' program
 * computes the new m where `isM` holds and the new v elsewhere; the 'param' program both, then θ.
 */
function body(out: Output, u: (name: string) => string, vec: string, isM: string, perRow = false): string {
  // per-row step sizes (a sweep over learning rates): each row's η/(1 − β₁ᵗ) and shrink come from the rows input
  const row = (name: 'stepSize' | 'shrink') => (perRow ? (name === 'stepSize' ? 'rowStep' : 'rowShrink') : u(name));
  const lines = [`g = g + ${u('weightDecay')} * p;`];
  if (out === 'mv') {
    const m = `${u('beta1')} * mv + ${u('oneMinusBeta1')} * g`;
    const v = `${u('beta2')} * mv + ${u('oneMinusBeta2')} * (g * g)`;
    lines.push(vec === 'f32' ? `result = select(${v}, ${m}, ${isM});` : `result = ${isM} ? ${m} : ${v};`); // WGSL has no ?:
  } else {
    lines.push(
      `let mNew = ${u('beta1')} * m + ${u('oneMinusBeta1')} * g;`,
      `let vNew = ${u('beta2')} * v + ${u('oneMinusBeta2')} * (g * g);`,
      `result = p * ${row('shrink')} - ${row('stepSize')} * (mNew / (sqrt(vNew) / ${u('bias2Sqrt')} + ${vec}(${u('eps')})));`,
    );
  }
  return lines.join('\n');
}

/**
 * WebGL: a packed program on rank-3 views (four values per texel): θ and g as [A, R, C], the state
 * as [2A, R, C] (m in the first A, v in the second).
 */
class AdamStepWebGLProgram {
  variableNames = ['P', 'G', 'MV'];
  packedInputs = true;
  packedOutput = true;
  customUniforms = SCALARS.map((name) => ({ name: `adam_${name}`, type: 'float' as const }));
  userCode: string;
  /** @param K rows with their own step size and shrink ([K, 2] input S), or null: the uniforms */
  constructor(
    readonly outputShape: number[],
    out: Output,
    A: number,
    K: number | null,
  ) {
    const perRow = out === 'param' && K !== null;
    if (perRow) this.variableNames = [...this.variableNames, 'S'];
    const code = body(out, (n) => `adam_${n}`, 'vec4', `rc.x < ${A}`, perRow).replace(/\blet (\w+) =/g, 'vec4 $1 =');
    const rowRead = perRow
      ? `
        int row = a / ${A / (K ?? 1)};
        vec4 st = getS(row, 0);
        bool evenRow = row - 2 * (row / 2) == 0;
        float rowStep = evenRow ? st.x : st.z;
        float rowShrink = evenRow ? st.y : st.w;`
      : '';
    const read =
      out === 'mv'
        ? `int a = rc.x < ${A} ? rc.x : rc.x - ${A};
        vec4 mv = getMV(rc.x, rc.y, rc.z);`
        : `int a = rc.x;
        vec4 m = getMV(a, rc.y, rc.z);
        vec4 v = getMV(a + ${A}, rc.y, rc.z);${rowRead}`;
    this.userCode = `
      void main() {
        ivec3 rc = getOutputCoords();
        ${read}
        vec4 p = getP(a, rc.y, rc.z);
        vec4 g = getG(a, rc.y, rc.z);
        vec4 result;
        ${code}
        setOutput(result);
      }`;
  }
}

/** WebGPU: one thread per element, flat dispatch over the buffers (θ and g hold n values, the state 2n). */
class AdamStepWebGPUProgram extends FlatWebGPUProgram {
  variableNames = ['P', 'G', 'MV'];
  uniforms = [...SCALARS.map((name) => `${name} : f32,`), 'n : i32,', 'rows : i32,'].join(' ');
  private readonly perRow: boolean;
  /** @param perRow each row's step size and shrink from the input S ([K, 2]) rather than the uniforms */
  constructor(
    outputShape: number[],
    private readonly out: Output,
    perRow: boolean,
  ) {
    super(outputShape, `optiplayAdam2_${out}_${out === 'param' && perRow}`);
    this.perRow = out === 'param' && perRow;
    if (this.perRow) this.variableNames = [...this.variableNames, 'S'];
  }
  getUserCode(): string {
    const read =
      this.out === 'mv'
        ? `let i = select(index, index - uniforms.n, index >= uniforms.n);
          let mv = MV[index];`
        : `let i = index;
          let m = MV[i];
          let v = MV[i + uniforms.n];${
            this.perRow
              ? `
          let row = i / (uniforms.n / uniforms.rows);
          let rowStep = S[2 * row];
          let rowShrink = S[2 * row + 1];`
              : ''
          }`;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${read}
          let p = P[i];
          var g = G[i];
          var result : f32;
          ${body(this.out, (n) => `uniforms.${n}`, 'f32', 'index < uniforms.n', this.perRow)}
          setOutputAtIndex(index, result);
        }
      }`;
  }
}

interface GLBackend {
  runWebGLProgram(
    program: AdamStepWebGLProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: number[][],
  ): tf.TensorInfo;
}
interface GPUBackend {
  runWebGPUProgram(
    program: AdamStepWebGPUProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: { type: 'float32' | 'int32'; data: number[] }[],
  ): tf.TensorInfo;
}

/** θ and g as [A, R, C], the state as [2A, R, C]: views of the same data (free reshapes of the leading axes). */
export function view3(shape: number[]): [number, number, number] {
  const C = shape.at(-1) ?? 1;
  const R = shape.length >= 2 ? shape[shape.length - 2] : 1;
  return [tf.util.sizeFromShape(shape) / (R * C), R, C];
}

function inputsOf(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const list = [inputs.param, inputs.grad, inputs.mv].map((t) => {
    if (t === undefined) throw new Error(`${ADAM_STEP}: needs param, grad and mv`);
    if (t.dtype !== 'float32') throw new Error(`${ADAM_STEP}: expected float32 tensors, got ${t.dtype}`);
    return t;
  });
  if (
    !tf.util.arraysEqual(list[0].shape, list[1].shape) ||
    !tf.util.arraysEqual(list[2].shape, [2, ...list[0].shape])
  ) {
    throw new Error(`${ADAM_STEP}: θ and g must have the same shape and the state [2, …that shape]`);
  }
  const rows = inputs.rows;
  if (rows !== undefined && !(rows.dtype === 'float32' && tf.util.arraysEqual(rows.shape, [list[0].shape[0], 2]))) {
    throw new Error(`${ADAM_STEP}: the per-row step sizes must be [rows, 2] float32`);
  }
  return rows ? [...list, rows] : list;
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
      const [p, g, mv, rows] = inputsOf(inputs);
      const be = backend as unknown as GLBackend;
      const [A, R, C] = view3(p.shape);
      const values = SCALARS.map((k) => [(attrs as unknown as AdamStepScalars)[k]]);
      // reshapes of the leading axes are free on packed textures: the programs see rank-3 views
      const v3 = (t: tf.TensorInfo, lead: number): tf.TensorInfo => ({ ...t, shape: [lead, R, C] });
      const ins = [v3(p, A), v3(g, A), v3(mv, 2 * A)];
      const mvNew = be.runWebGLProgram(new AdamStepWebGLProgram([2 * A, R, C], 'mv', A, null), ins, 'float32', values);
      const pNew = be.runWebGLProgram(
        new AdamStepWebGLProgram([A, R, C], 'param', A, rows ? p.shape[0] : null),
        rows ? [...ins, rows] : ins,
        'float32',
        values,
      );
      return [
        { ...mvNew, shape: mv.shape },
        { ...pNew, shape: p.shape },
      ];
    },
  });
  tf.registerKernel({
    kernelName: ADAM_STEP,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const list = inputsOf(inputs);
      const perRow = list.length === 4;
      const n = tf.util.sizeFromShape(list[0].shape);
      const uniforms = [
        ...SCALARS.map((k) => ({ type: 'float32' as const, data: [(attrs as unknown as AdamStepScalars)[k]] })),
        { type: 'int32' as const, data: [n] },
        { type: 'int32' as const, data: [list[0].shape[0]] },
      ];
      const be = backend as unknown as GPUBackend;
      return [
        be.runWebGPUProgram(
          new AdamStepWebGPUProgram(list[2].shape, 'mv', false),
          list.slice(0, 3),
          'float32',
          uniforms,
        ),
        be.runWebGPUProgram(new AdamStepWebGPUProgram(list[0].shape, 'param', perRow), list, 'float32', uniforms),
      ];
    },
  });
}

/** Whether the current backend runs Adam's step as one fused kernel. */
export function adamStepKernel(): boolean {
  if (!enabled) return false;
  register();
  return tf.getKernel(ADAM_STEP, tf.getBackend()) !== undefined;
}

/**
 * New θ and state for one parameter (the caller has checked `adamStepKernel()`): the state is m and v
 * stacked, [2, …θ's shape], so that one program writes both. `rows` [K, 2]: each row's step size
 * η/(1 − β₁ᵗ) and shrink, for rows whose learning rates differ (scalars.stepSize and shrink unused).
 */
export function adamStep(
  param: tf.Tensor,
  grad: tf.Tensor,
  mv: tf.Tensor,
  scalars: AdamStepScalars,
  rows?: tf.Tensor2D,
): { param: tf.Tensor; mv: tf.Tensor } {
  const inputs: tf.NamedTensorMap = rows ? { param, grad, mv, rows } : { param, grad, mv };
  const [mvNew, pNew] = tf
    .engine()
    .runKernel(ADAM_STEP, inputs, scalars as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { param: pNew, mv: mvNew };
}
