/**
 * `OptiplayElementwiseStep`: an optimizer's step of one parameter, from the rule the optimizer states
 * as expressions (optimizers/define.ts). Two GPU programs on webgl and webgpu, the new state (the
 * optimizer's k state tensors stacked, [k, …θ]) and the new θ, each recomputing the rule's
 * intermediates; the same expressions as tf ops everywhere else (cpu, Node).
 *
 * Scalars every row shares arrive as uniforms; scalars that differ between rows (a sweep's learning
 * rates and the step sizes made from them) as a [K, m] input, read by each element's row. Both are
 * computed in float64 in JavaScript, so a new step compiles nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperSplit, ruleContext, type StepRule } from '../optimizers/define';
import { OPTIMIZERS, optimizerWithDefaults, type OptimizerName } from '../optimizers/registry';
import { exprEval, exprNames, exprParse, exprShader, exprTf, type Expr } from './expression';
import { defineKernel, type HostArray, type KernelCase } from './kernel';
import { CodeWebGPUProgram } from './webgpuProgram';

/** A rule as the programs are compiled from it: names and expressions, no values. */
export interface StepCode {
  slots: string[];
  /** scalars every row shares, in uniform order */
  uniforms: string[];
  /** scalars given per row, in the column order of the rows input */
  rowScalars: string[];
  lets: [string, string][];
  /** each slot's new value, in slot order */
  next: string[];
  param: string;
}

export interface StepAttrs {
  code: StepCode;
  /** the uniforms' values */
  values: number[];
}

interface Parsed {
  lets: [string, Expr][];
  next: Expr[];
  param: Expr;
}

const IDENT = /^[A-Za-z]\w*$/;
const parsedCache = new Map<string, Parsed>();

function codeKey(code: StepCode): string {
  return JSON.stringify([code.slots, code.uniforms, code.rowScalars, code.lets, code.next, code.param]);
}

/** The code's expressions parsed, after checking that every name they read is bound (cached). */
function parsed(code: StepCode): Parsed {
  const key = codeKey(code);
  const hit = parsedCache.get(key);
  if (hit) return hit;
  const known = new Set([
    'p',
    'g',
    ...code.slots.map((s) => `@${s}`),
    ...[...code.uniforms, ...code.rowScalars].map((s) => `$${s}`),
  ]);
  const check = (text: string): Expr => {
    const e = exprParse(text);
    for (const n of exprNames(e))
      if (!known.has(n)) throw new Error(`OptiplayElementwiseStep: "${n}" is not bound in "${text}"`);
    return e;
  };
  const lets: [string, Expr][] = code.lets.map(([n, text]) => {
    if (!IDENT.test(n) || n === 'p' || n === 'g') throw new Error(`OptiplayElementwiseStep: bad name "${n}"`);
    const e = check(text);
    known.add(n);
    return [n, e];
  });
  const out = { lets, next: code.next.map(check), param: check(code.param) };
  if (parsedCache.size > 256) parsedCache.clear();
  parsedCache.set(key, out);
  return out;
}

/**
 * A rule for K rows as the kernel takes it: the code, the uniforms' values and the per-row scalars as
 * a row-major [K, m] array (null when every scalar is shared). Only scalars the expressions read are kept.
 */
export function stepPrepare(rule: StepRule, K: number): { attrs: StepAttrs; rowValues: Float32Array | null } {
  const slots = rule.slots.map((s) => s.name);
  const missing = slots.filter((s) => rule.next[s] === undefined);
  if (missing.length > 0) throw new Error(`OptiplayElementwiseStep: no new value for ${missing.join(', ')}`);
  const text = [...rule.lets.map(([, e]) => e), ...slots.map((s) => rule.next[s]), rule.param].join(' ');
  const read = Object.keys(rule.scalars).filter((n) => new RegExp(`\\$${n}\\b`).test(text));
  const shared = read.filter((n) => typeof rule.scalars[n] === 'number');
  const perRow = read.filter((n) => typeof rule.scalars[n] !== 'number');
  let rowValues: Float32Array | null = null;
  if (perRow.length > 0) {
    rowValues = new Float32Array(K * perRow.length);
    perRow.forEach((n, j) => {
      const v = rule.scalars[n] as Float64Array;
      if (v.length !== K) throw new Error(`OptiplayElementwiseStep: ${n} has ${v.length} rows, not ${K}`);
      for (let r = 0; r < K; r++) rowValues![r * perRow.length + j] = v[r];
    });
  }
  const code: StepCode = {
    slots,
    uniforms: shared,
    rowScalars: perRow,
    lets: rule.lets,
    next: slots.map((s) => rule.next[s]),
    param: rule.param,
  };
  parsed(code);
  return { attrs: { code, values: shared.map((n) => rule.scalars[n] as number) }, rowValues };
}

/** θ and g as [A, R, C]: views of the same data (free reshapes of the leading axes on packed textures). */
export function view3(shape: number[]): [number, number, number] {
  const C = shape.at(-1) ?? 1;
  const R = shape.length >= 2 ? shape[shape.length - 2] : 1;
  return [tf.util.sizeFromShape(shape) / (R * C), R, C];
}

/**
 * How a rule's names read in a shader: @slot → old_slot, a per-row $scalar → r_scalar, a shared one →
 * its uniform (`uniform` + fs_name), an intermediate → t_name, so no rule's name can meet a shader's own.
 */
function shaderName(code: StepCode, uniform: string): (v: string) => string {
  return (v) => {
    if (v.startsWith('@')) return `old_${v.slice(1)}`;
    if (v.startsWith('$')) return code.rowScalars.includes(v.slice(1)) ? `r_${v.slice(1)}` : `${uniform}${v.slice(1)}`;
    return v === 'p' || v === 'g' ? v : `t_${v}`;
  };
}

// --- WebGL: packed programs on rank-3 views [A, R, C] (the state [k·A, R, C]) ---------------------

function stepWebGLProgram(code: StepCode, shape: number[], out: 'state' | 'param') {
  const { lets, next, param } = parsed(code);
  const K = shape[0];
  const [A, R, C] = view3(shape);
  const k = code.slots.length;
  const m = code.rowScalars.length;
  const rowMode = shape.length >= 3 ? 'a' : shape.length === 2 ? 'r' : 'c';
  const name = shaderName(code, 'fs_');
  const at = (row: string, j: number) => `rowAt(${row}, ${j})`;
  const last = K - 1;
  const rowReads = code.rowScalars.map((n, j) => {
    if (rowMode === 'a') return `float r_${n} = ${at(`a / ${A / K}`, j)};`;
    if (rowMode === 'r')
      return `vec4 r_${n} = vec4(${at('rc.y', j)}, ${at('rc.y', j)}, ${at(`min(rc.y + 1, ${last})`, j)}, ${at(`min(rc.y + 1, ${last})`, j)});`;
    return `vec4 r_${n} = vec4(${at('rc.z', j)}, ${at(`min(rc.z + 1, ${last})`, j)}, ${at('rc.z', j)}, ${at(`min(rc.z + 1, ${last})`, j)});`;
  });
  const pick = next.reduceRight(
    (acc, e, j) => (j === k - 1 ? exprShader(e, name) : `slot == ${j} ? ${exprShader(e, name)} : (${acc})`),
    '',
  );
  const variableNames = ['P', 'G', ...(k > 0 ? ['S'] : []), ...(m > 0 ? ['ROWS'] : [])];
  const userCode = `
      ${
        m > 0
          ? `float rowAt(int r, int j) {
        vec4 t = getROWS(r, j);
        bool evenRow = r - 2 * (r / 2) == 0;
        bool evenCol = j - 2 * (j / 2) == 0;
        return evenRow ? (evenCol ? t.x : t.y) : (evenCol ? t.z : t.w);
      }`
          : ''
      }
      void main() {
        ivec3 rc = getOutputCoords();
        ${out === 'state' ? `int slot = rc.x / ${A}; int a = rc.x - slot * ${A};` : 'int a = rc.x;'}
        vec4 p = getP(a, rc.y, rc.z);
        vec4 g = getG(a, rc.y, rc.z);
        ${code.slots.map((s, j) => `vec4 old_${s} = getS(${j * A} + a, rc.y, rc.z);`).join('\n        ')}
        ${rowReads.join('\n        ')}
        ${lets.map(([n, e]) => `vec4 t_${n} = vec4(${exprShader(e, name)});`).join('\n        ')}
        setOutput(vec4(${out === 'state' ? pick : exprShader(param, name)}));
      }`;
  return {
    variableNames,
    packedInputs: true,
    packedOutput: true,
    outputShape: out === 'state' ? [k * A, R, C] : [A, R, C],
    customUniforms: code.uniforms.map((n) => ({ name: `fs_${n}`, type: 'float' as const })),
    userCode,
  };
}

// --- WebGPU: one thread per value over the flat buffers (θ and g hold n values, the state k·n) -----

function stepWebGPUProgram(code: StepCode, outputShape: number[], out: 'state' | 'param'): CodeWebGPUProgram {
  const { lets, next, param } = parsed(code);
  const k = code.slots.length;
  const m = code.rowScalars.length;
  const name = shaderName(code, 'uniforms.fs_');
  const pick = next.reduceRight(
    (acc, e, j) => (j === k - 1 ? exprShader(e, name) : `select(${acc}, ${exprShader(e, name)}, slot == ${j})`),
    '',
  );
  const shader = `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${out === 'state' ? 'let slot = index / uniforms.n; let i = index - slot * uniforms.n;' : 'let i = index;'}
          let p = P[i];
          let g = G[i];
          ${code.slots.map((s, j) => `let old_${s} = S[${j} * uniforms.n + i];`).join('\n          ')}
          ${m > 0 ? 'let row = i / uniforms.rowSize;' : ''}
          ${code.rowScalars.map((n, j) => `let r_${n} = ROWS[row * ${m} + ${j}];`).join('\n          ')}
          ${lets.map(([n, e]) => `let t_${n} = ${exprShader(e, name)};`).join('\n          ')}
          setOutputAtIndex(index, ${out === 'state' ? pick : exprShader(param, name)});
        }
      }`;
  const uniforms = [...code.uniforms.map((n) => `fs_${n} : f32,`), 'n : i32,', 'rowSize : i32,'].join(' ');
  const inputs = ['P', 'G', ...(k > 0 ? ['S'] : []), ...(m > 0 ? ['ROWS'] : [])];
  return new CodeWebGPUProgram(outputShape, inputs, 'optiplayStep', shader, uniforms);
}

// --- the other paths: tf ops, and a plain loop for the checks -------------------------------------

/** The rule in tf ops on the state's unstacked slots; per-row scalars broadcast down the leading axis. */
function stepTf(inputs: Record<string, tf.Tensor>, attrs: StepAttrs): tf.Tensor[] {
  const { code, values } = attrs;
  const { lets, next, param } = parsed(code);
  const p = inputs.param;
  const K = p.shape[0];
  const vars = new Map<string, tf.Tensor>([
    ['p', p],
    ['g', inputs.grad],
  ]);
  const olds = code.slots.length > 0 ? tf.unstack(inputs.state) : [];
  code.slots.forEach((s, j) => vars.set(`@${s}`, olds[j]));
  code.uniforms.forEach((n, j) => vars.set(`$${n}`, tf.scalar(values[j])));
  const column = [K, ...new Array<number>(p.rank - 1).fill(1)];
  code.rowScalars.forEach((n, j) => vars.set(`$${n}`, tf.reshape(tf.slice(inputs.rows, [0, j], [K, 1]), column)));
  const value = (v: string) => vars.get(v)!;
  for (const [n, e] of lets) vars.set(n, exprTf(e, value));
  const pNew = exprTf(param, value);
  if (code.slots.length === 0) return [pNew];
  return [pNew, tf.stack(next.map((e) => tf.broadcastTo(exprTf(e, value), p.shape)))];
}

function stepNaive(inputs: Record<string, HostArray>, attrs: StepAttrs): Float64Array[] {
  const { code, values } = attrs;
  const { lets, next, param } = parsed(code);
  const p = inputs.param;
  const n = p.values.length;
  const K = p.shape[0];
  const m = code.rowScalars.length;
  const pOut = new Float64Array(n);
  const sOut = new Float64Array(code.slots.length * n);
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / (n / K));
    const vars = new Map<string, number>([
      ['p', p.values[i]],
      ['g', inputs.grad.values[i]],
    ]);
    code.slots.forEach((s, j) => vars.set(`@${s}`, inputs.state.values[j * n + i]));
    code.uniforms.forEach((u, j) => vars.set(`$${u}`, values[j]));
    code.rowScalars.forEach((u, j) => vars.set(`$${u}`, inputs.rows.values[row * m + j]));
    const value = (v: string) => vars.get(v)!;
    for (const [name, e] of lets) vars.set(name, exprEval(e, value));
    pOut[i] = exprEval(param, value);
    next.forEach((e, j) => (sOut[j * n + i] = exprEval(e, value)));
  }
  return code.slots.length > 0 ? [pOut, sOut] : [pOut];
}

// --- the cases: every optimizer's rule and its options, shared and per-row scalars, odd shapes -----

const signedSlots = new Set(['m', 'momentum', 'gradAvg', 'prev', 'ax', 'z', 'x']);

/** A deterministic array: signed for gradients, momenta and means, positive in [0.5, 1] for second moments. */
function fill(n: number, seed: number, signed: boolean): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    const s = Math.sin(i * 0.737 + seed * 1.31);
    return signed ? 0.3 * s : 0.75 + 0.25 * s;
  });
}

/** One optimizer's rule at step t for rows with these hyperparameters (its JavaScript state advanced through t). */
export function optimizerRuleAt(name: OptimizerName, rows: Record<string, number | boolean>[], t: number): StepRule {
  const def = OPTIMIZERS[name];
  if (!def.rule) throw new Error(`${name} is a tensor step, not an element-wise rule`);
  const { h, options } = hyperSplit(rows.map((r) => optimizerWithDefaults(name, r)));
  const state = def.init?.({ rows: rows.length, h });
  let rule: StepRule | null = null;
  for (let s = 1; s <= t; s++) rule = def.rule!(ruleContext(rows.length, h, options, s, h.lr), state);
  return rule!;
}

function stepCase(
  label: string,
  name: OptimizerName,
  hyper: Record<string, number | boolean>,
  shape: number[],
  rates: number[],
  t = 3,
): KernelCase<StepAttrs> {
  const K = shape[0];
  const rows = Array.from({ length: K }, (_, r) => ({ ...hyper, lr: rates[r % rates.length] }));
  const rule = optimizerRuleAt(name, rows, t);
  const { attrs, rowValues } = stepPrepare(rule, K);
  const n = tf.util.sizeFromShape(shape);
  const inputs: Record<string, HostArray> = {
    param: { shape, values: fill(n, 1, true).map((v) => 3 * v) },
    grad: { shape, values: fill(n, 2, true) },
  };
  if (attrs.code.slots.length > 0) {
    const state = new Float32Array(attrs.code.slots.length * n);
    attrs.code.slots.forEach((s, j) => state.set(fill(n, 3 + j, signedSlots.has(s)), j * n));
    inputs.state = { shape: [attrs.code.slots.length, ...shape], values: state };
  }
  if (rowValues) inputs.rows = { shape: [K, attrs.code.rowScalars.length], values: rowValues };
  return {
    label: `${label} ${shape.join('×')}${rowValues ? `, rates ${rates.join(' ')}` : ''}${t !== 3 ? `, step ${t}` : ''}`,
    inputs,
    attrs,
  };
}

/** every option that changes a rule's code; Adam without decay before AdamW, whose state program reads the same (other uniforms) */
const OPTION_SETS: { name: OptimizerName; hyper: Record<string, number | boolean> }[] = [
  { name: 'sgd', hyper: {} },
  { name: 'sgd', hyper: { momentum: 0.9, dampening: 0.1, weightDecay: 0.05 } },
  { name: 'sgd', hyper: { momentum: 0.9, nesterov: true } },
  { name: 'rmsprop', hyper: {} },
  { name: 'rmsprop', hyper: { centered: true, momentum: 0.5, weightDecay: 0.05 } },
  { name: 'adagrad', hyper: { lrDecay: 0.1, initialAccumulatorValue: 0.2, weightDecay: 0.05 } },
  { name: 'adadelta', hyper: { weightDecay: 0.05 } },
  { name: 'adam', hyper: {} },
  { name: 'adam', hyper: { weightDecay: 0.05 } },
  { name: 'adam', hyper: { amsgrad: true } },
  { name: 'adamw', hyper: { weightDecay: 0.05 } },
  { name: 'adamax', hyper: { weightDecay: 0.05 } },
  { name: 'nadam', hyper: { weightDecay: 0.05, momentumDecay: 0.01 } },
  { name: 'radam', hyper: { weightDecay: 0.05 } },
  { name: 'lion', hyper: { weightDecay: 0.1 } },
  { name: 'rprop', hyper: {} },
  { name: 'asgd', hyper: { weightDecay: 0.05, t0: 1 } },
  { name: 'schedulefree', hyper: { weightDecay: 0.05, warmupSteps: 2 } },
];

export const elementwiseStep = defineKernel<StepAttrs>({
  name: 'OptiplayElementwiseStep',
  summary: "an optimizer's step of one parameter: the new θ and its stacked state",
  inputs: ['param', 'grad', 'state?', 'rows?'],
  reference: (inputs, attrs) => stepTf(inputs, attrs),
  webgl: (inputs, attrs, backend) => {
    const { param, grad, state, rows } = inputs;
    const [A, R, C] = view3(param.shape);
    const k = attrs.code.slots.length;
    const uniforms = attrs.values.map((v) => [v]);
    const ins = [
      { ...param, shape: [A, R, C] },
      { ...grad, shape: [A, R, C] },
      ...(k > 0 ? [{ ...state, shape: [k * A, R, C] }] : []),
      ...(rows ? [rows] : []),
    ];
    const pNew = backend.runWebGLProgram(stepWebGLProgram(attrs.code, param.shape, 'param'), ins, 'float32', uniforms);
    if (k === 0) return [{ ...pNew, shape: param.shape }];
    const sNew = backend.runWebGLProgram(stepWebGLProgram(attrs.code, param.shape, 'state'), ins, 'float32', uniforms);
    return [
      { ...pNew, shape: param.shape },
      { ...sNew, shape: state.shape },
    ];
  },
  webgpu: (inputs, attrs, backend) => {
    const { param, grad, state, rows } = inputs;
    const k = attrs.code.slots.length;
    const n = tf.util.sizeFromShape(param.shape);
    const uniforms = [
      ...attrs.values.map((v) => ({ type: 'float32' as const, data: [v] })),
      { type: 'int32' as const, data: [n] },
      { type: 'int32' as const, data: [n / param.shape[0]] },
    ];
    const ins = [param, grad, ...(k > 0 ? [state] : []), ...(rows ? [rows] : [])];
    const pNew = backend.runWebGPUProgram(
      stepWebGPUProgram(attrs.code, param.shape, 'param'),
      ins,
      'float32',
      uniforms,
    );
    if (k === 0) return [pNew];
    return [
      pNew,
      backend.runWebGPUProgram(stepWebGPUProgram(attrs.code, state.shape, 'state'), ins, 'float32', uniforms),
    ];
  },
  naive: stepNaive,
  cases: () => [
    ...OPTION_SETS.flatMap(({ name, hyper }) =>
      [
        [1, 2],
        [3, 7, 5],
        [1, 784, 128],
      ].map((shape) => stepCase(`${name} ${JSON.stringify(hyper)}`, name, hyper, shape, [0.01])),
    ),
    stepCase('sgd first step {"momentum":0.9}', 'sgd', { momentum: 0.9 }, [3, 7, 5], [0.01], 1),
    // rows with their own learning rates: the step sizes per row, on each way a row can lie in a packed texel
    ...(['adam', 'sgd', 'rmsprop', 'nadam'] as const).flatMap((name) => {
      const hyper: Record<string, number | boolean> = name === 'sgd' || name === 'rmsprop' ? { momentum: 0.5 } : {};
      return [[3, 7, 5], [3, 2], [5, 4], [3], [2, 3, 1, 4]].map((shape) =>
        stepCase(`${name} ${JSON.stringify(hyper)}`, name, hyper, shape, [0.01, 0.03, 0.1]),
      );
    }),
  ],
});
