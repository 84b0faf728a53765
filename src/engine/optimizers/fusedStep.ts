/**
 * An optimizer's element-wise update of one parameter as two GPU programs, on webgl and webgpu.
 *
 * Written with tf ops, an update rule is one program per operation, each a full pass over the
 * parameter: RMSprop about 8, Adadelta 12, NAdam 15, plus the uploads of their per-step scalars. In
 * the particle cloud (every optimizer over 10,000 starts) these passes, not the objective, were most
 * of a step once the objective was one program (cloudKernels.ts). Here an optimizer states its rule as
 * expressions (`FusedRule`, built by the optimizer each step: sgd.ts, rmsprop.ts, …) that read the
 * same in GLSL (vec4) and WGSL (f32), and the kernel `OptiplayElementwiseStep` runs it as:
 *
 *   the new state  [k, …θ]: the optimizer's k state tensors stacked, so one program writes them all
 *   the new θ      recomputing the same intermediates from the old state (no second read of the new)
 *
 * Per-step scalars (bias corrections, learning rate) arrive as uniforms computed in float64 in
 * JavaScript, so a new step compiles nothing. An optimizer offers a rule only where every row shares its
 * hyperparameters (one run, or a cloud of particles under one optimizer); rows that differ (a sweep)
 * keep the tf-op path, which is also the reference this kernel is checked against (`stepFusionCheck`
 * in torchCheck.ts, and every torch fixture on the self-test page). Adam and AdamW have their own
 * kernel with per-row step sizes (fusedAdam.ts). On cpu (and in Node) there is no such kernel.
 *
 * Expressions: `p` (θ), `g` (the gradient), `@name` a state tensor's old value, `$name` a scalar,
 * bare names the rule's earlier intermediates; `+ − * /`, sqrt, abs, max and float literals written
 * with a decimal point.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CodeWebGPUProgram } from '../webgpuProgram';
import { view3 } from './fusedAdam';

export const ELEMENTWISE_STEP = 'OptiplayElementwiseStep';

export interface FusedRule {
  /** the state tensors in stacking order, each with its value before the first step (as UpdateContext.slot's init) */
  slots: { name: string; init?: 'zeros' | number | string }[];
  /** this step's scalars, read as $name */
  scalars: Record<string, number>;
  /** intermediates in order: [name, expression] */
  lets: [string, string][];
  /** each state tensor's new value: an expression, often an intermediate's name */
  next: Record<string, string>;
  /** θ's new value */
  param: string;
}

/** What the programs are compiled from: the rule without the scalars' values. */
interface RuleCode {
  slots: string[];
  scalars: string[];
  lets: [string, string][];
  next: string[];
  param: string;
}

const IDENT = /^[A-Za-z][A-Za-z0-9]*$/;

function codeOf(rule: FusedRule): RuleCode {
  const slots = rule.slots.map((s) => s.name);
  // only the scalars the expressions read become uniforms
  const text = [...rule.lets.map(([, e]) => e), ...Object.values(rule.next), rule.param].join(' ');
  const scalars = Object.keys(rule.scalars).filter((n) => new RegExp(`\\$${n}\\b`).test(text));
  for (const n of [...slots, ...scalars, ...rule.lets.map(([n]) => n)])
    if (!IDENT.test(n)) throw new Error(`${ELEMENTWISE_STEP}: bad name "${n}"`);
  const missing = slots.filter((s) => rule.next[s] === undefined);
  if (missing.length > 0) throw new Error(`${ELEMENTWISE_STEP}: no new value for ${missing.join(', ')}`);
  return { slots, scalars, lets: rule.lets, next: slots.map((s) => rule.next[s]), param: rule.param };
}

/**
 * An expression as the shader writes it: @name → old_name (the state's old value), $name → the
 * scalar's uniform, an intermediate → t_name (so that no name of a rule can meet a shader's own).
 */
function expression(expr: string, code: RuleCode, scalar: (n: string) => string): string {
  const names = new Set(code.lets.map(([n]) => n));
  return expr
    .replace(/@(\w+)/g, 'old_$1')
    .replace(/\$(\w+)/g, (_, n: string) => scalar(n))
    .replace(/\b([A-Za-z]\w*)\b(?!\s*\()/g, (w: string) => (names.has(w) ? `t_${w}` : w));
}

/** The intermediates' declarations; `decl` is `vec4` (GLSL) or `let` (WGSL). */
function lets(code: RuleCode, decl: string, scalar: (n: string) => string): string {
  return code.lets.map(([n, e]) => `${decl} t_${n} = ${expression(e, code, scalar)};`).join('\n          ');
}

// --- WebGL: packed programs on rank-3 views [A, R, C] (the state [k·A, R, C]) ---------------------

class StepWebGLProgram {
  variableNames: string[];
  packedInputs = true;
  packedOutput = true;
  customUniforms: { name: string; type: 'float' }[];
  userCode: string;
  constructor(
    readonly outputShape: number[],
    code: RuleCode,
    out: 'state' | 'param',
    A: number,
  ) {
    const k = code.slots.length;
    this.variableNames = k > 0 ? ['P', 'G', 'S'] : ['P', 'G'];
    this.customUniforms = code.scalars.map((n) => ({ name: `fs_${n}`, type: 'float' as const }));
    const scalar = (n: string) => `fs_${n}`;
    const reads = code.slots.map((s, j) => `vec4 old_${s} = getS(${j * A} + a, rc.y, rc.z);`).join('\n        ');
    // the state program writes slot j = rc.x / A; nested ?: picks its expression
    const pick = code.next.reduceRight(
      (acc, e, j) =>
        j === k - 1 ? expression(e, code, scalar) : `slot == ${j} ? ${expression(e, code, scalar)} : (${acc})`,
      '',
    );
    this.userCode = `
      void main() {
        ivec3 rc = getOutputCoords();
        ${out === 'state' ? `int slot = rc.x / ${A}; int a = rc.x - slot * ${A};` : 'int a = rc.x;'}
        vec4 p = getP(a, rc.y, rc.z);
        vec4 g = getG(a, rc.y, rc.z);
        ${reads}
        ${lets(code, 'vec4', scalar)}
        setOutput(${out === 'state' ? pick : expression(code.param, code, scalar)});
      }`;
  }
}

// --- WebGPU: one thread per value over the flat buffers (θ and g hold n values, the state k·n) -----

function stepWebGPUProgram(outputShape: number[], code: RuleCode, out: 'state' | 'param'): CodeWebGPUProgram {
  const k = code.slots.length;
  const scalar = (n: string) => `uniforms.fs_${n}`;
  const reads = code.slots.map((s, j) => `let old_${s} = S[${j} * uniforms.n + i];`).join('\n          ');
  const pick = code.next.reduceRight(
    (acc, e, j) =>
      j === k - 1 ? expression(e, code, scalar) : `select(${acc}, ${expression(e, code, scalar)}, slot == ${j})`,
    '',
  );
  const shader = `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${out === 'state' ? 'let slot = index / uniforms.n; let i = index - slot * uniforms.n;' : 'let i = index;'}
          let p = P[i];
          let g = G[i];
          ${reads}
          ${lets(code, 'let', scalar)}
          setOutputAtIndex(index, ${out === 'state' ? pick : expression(code.param, code, scalar)});
        }
      }`;
  const uniforms = [...code.scalars.map((n) => `fs_${n} : f32,`), 'n : i32,'].join(' ');
  return new CodeWebGPUProgram(outputShape, k > 0 ? ['P', 'G', 'S'] : ['P', 'G'], 'optiplayStep', shader, uniforms);
}

// --- the kernel ------------------------------------------------------------------------------------

interface GLBackend {
  runWebGLProgram(
    program: StepWebGLProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: number[][],
  ): tf.TensorInfo;
}
interface GPUBackend {
  runWebGPUProgram(
    program: CodeWebGPUProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms: { type: 'float32' | 'int32'; data: number[] }[],
  ): tf.TensorInfo;
}

interface StepAttrs {
  code: RuleCode;
  values: number[];
}

/** The rule's code, its scalars, its state count and the inputs (θ, g and, with state, the stack). */
function parse(
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
): StepAttrs & { k: number; list: tf.TensorInfo[] } {
  const { code, values } = attrs as unknown as StepAttrs;
  const k = code.slots.length;
  return { code, values, k, list: inputsOf(inputs, k) };
}

function inputsOf(inputs: tf.NamedTensorInfoMap, k: number): tf.TensorInfo[] {
  const list = (k > 0 ? [inputs.param, inputs.grad, inputs.state] : [inputs.param, inputs.grad]).map((t) => {
    if (t === undefined || t.dtype !== 'float32')
      throw new Error(`${ELEMENTWISE_STEP}: needs float32 param, grad${k > 0 ? ' and state' : ''}`);
    return t;
  });
  if (
    !tf.util.arraysEqual(list[0].shape, list[1].shape) ||
    (k > 0 && !tf.util.arraysEqual(list[2].shape, [k, ...list[0].shape]))
  ) {
    throw new Error(`${ELEMENTWISE_STEP}: θ and g must have the same shape and the state [${k}, …that shape]`);
  }
  return list;
}

let registered = false;
let enabled = true;

/** Turns the fused step off (true: on) — for comparing it with the tf-op path. */
export function stepFusionSet(on: boolean): void {
  enabled = on;
}

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: ELEMENTWISE_STEP,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { code, values, k, list } = parse(inputs, attrs);
      const be = backend as unknown as GLBackend;
      const [A, R, C] = view3(list[0].shape);
      const uniforms = values.map((v) => [v]);
      const ins = list.map((t, i) => ({ ...t, shape: [i === 2 ? k * A : A, R, C] }));
      const pNew = be.runWebGLProgram(new StepWebGLProgram([A, R, C], code, 'param', A), ins, 'float32', uniforms);
      if (k === 0) return [{ ...pNew, shape: list[0].shape }];
      const sNew = be.runWebGLProgram(new StepWebGLProgram([k * A, R, C], code, 'state', A), ins, 'float32', uniforms);
      return [
        { ...pNew, shape: list[0].shape },
        { ...sNew, shape: list[2].shape },
      ];
    },
  });
  tf.registerKernel({
    kernelName: ELEMENTWISE_STEP,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { code, values, k, list } = parse(inputs, attrs);
      const be = backend as unknown as GPUBackend;
      const uniforms = [
        ...values.map((v) => ({ type: 'float32' as const, data: [v] })),
        { type: 'int32' as const, data: [tf.util.sizeFromShape(list[0].shape)] },
      ];
      const pNew = be.runWebGPUProgram(stepWebGPUProgram(list[0].shape, code, 'param'), list, 'float32', uniforms);
      if (k === 0) return [pNew];
      return [pNew, be.runWebGPUProgram(stepWebGPUProgram(list[2].shape, code, 'state'), list, 'float32', uniforms)];
    },
  });
}

/** Whether the current backend runs optimizers' rules as the fused element-wise step. */
export function stepFusionOn(): boolean {
  if (!enabled) return false;
  register();
  return tf.getKernel(ELEMENTWISE_STEP, tf.getBackend()) !== undefined;
}

/**
 * New θ and stacked state [k, …θ] for one parameter under `rule` (the caller has checked
 * stepFusionOn); `state` is null where the rule keeps none.
 */
export function fusedStep(
  rule: FusedRule,
  param: tf.Tensor,
  grad: tf.Tensor,
  state: tf.Tensor | null,
): { param: tf.Tensor; state: tf.Tensor | null } {
  const code = codeOf(rule);
  if (code.slots.length > 0 !== (state !== null))
    throw new Error(`${ELEMENTWISE_STEP}: a rule with state needs the stacked state, and only it`);
  const inputs: tf.NamedTensorMap = state ? { param, grad, state } : { param, grad };
  const values = code.scalars.map((n) => rule.scalars[n]);
  const out = tf
    .engine()
    .runKernel(ELEMENTWISE_STEP, inputs, { code, values } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { param: out[0], state: out[1] ?? null };
}
