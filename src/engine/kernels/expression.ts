/**
 * The small expression language the engine's element-wise kernels are written in (optimizer rules,
 * objective gradients), compiled to GLSL (vec4 or float), WGSL (f32), tf ops and plain JavaScript, so
 * one text is the rule on every backend and in the checks.
 *
 * Names: bare identifiers are variables the caller binds (θ as `p`, the gradient `g`, intermediates);
 * `@name` a state tensor's old value, `$name` a scalar. Operators + − * / and unary −, parentheses,
 * calls of sqrt, abs, max, min, exp, log, sin, cos and sign; numbers in JavaScript notation.
 */
import * as tf from '@tensorflow/tfjs-core';

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string }
  | { k: 'neg'; a: Expr }
  | { k: 'bin'; op: '+' | '-' | '*' | '/'; a: Expr; b: Expr }
  | { k: 'call'; f: ExprFunction; args: Expr[] };

export const EXPR_FUNCTIONS = ['sqrt', 'abs', 'max', 'min', 'exp', 'log', 'sin', 'cos', 'sign'] as const;
export type ExprFunction = (typeof EXPR_FUNCTIONS)[number];
const ARITY: Record<ExprFunction, number> = {
  sqrt: 1,
  abs: 1,
  max: 2,
  min: 2,
  exp: 1,
  log: 1,
  sin: 1,
  cos: 1,
  sign: 1,
};

const TOKEN = /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([@$]?[A-Za-z_]\w*)|([-+*/(),]))/y;

/** Parses an expression; throws with the position of the first thing it cannot read. */
export function exprParse(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot read "${text.slice(at)}" in "${text}"`);
    tokens.push(m[1] ?? m[2] ?? m[3]);
    at = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`expected "${want}" in "${text}", got ${t ?? 'the end'}`);
    return t;
  };
  const primary = (): Expr => {
    const t = take();
    if (t === undefined) throw new Error(`"${text}" ends too soon`);
    if (t === '(') {
      const e = sum();
      take(')');
      return e;
    }
    if (t === '-') return { k: 'neg', a: primary() };
    if (/^[\d.]/.test(t)) return { k: 'num', v: Number(t) };
    if (/^[@$A-Za-z_]/.test(t)) {
      if (peek() !== '(') return { k: 'var', name: t };
      if (!(EXPR_FUNCTIONS as readonly string[]).includes(t)) throw new Error(`unknown function ${t} in "${text}"`);
      take('(');
      const args = [sum()];
      while (peek() === ',') {
        take(',');
        args.push(sum());
      }
      take(')');
      const f = t as ExprFunction;
      if (args.length !== ARITY[f]) throw new Error(`${f} takes ${ARITY[f]} argument(s) in "${text}"`);
      return { k: 'call', f, args };
    }
    throw new Error(`unexpected "${t}" in "${text}"`);
  };
  const product = (): Expr => {
    let e = primary();
    while (peek() === '*' || peek() === '/') e = { k: 'bin', op: take() as '*' | '/', a: e, b: primary() };
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    while (peek() === '+' || peek() === '-') e = { k: 'bin', op: take() as '+' | '-', a: e, b: product() };
    return e;
  };
  const e = sum();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]}" in "${text}"`);
  return e;
}

/** Every variable an expression reads. */
export function exprNames(e: Expr, into = new Set<string>()): Set<string> {
  if (e.k === 'var') into.add(e.name);
  else if (e.k === 'neg') exprNames(e.a, into);
  else if (e.k === 'bin') exprNames(e.b, exprNames(e.a, into));
  else if (e.k === 'call') for (const a of e.args) exprNames(a, into);
  return into;
}

/** A float literal that GLSL ES 3.0 and WGSL both read as f32. */
export function exprLiteral(v: number): string {
  if (Number.isNaN(v)) throw new Error('a NaN literal');
  const s = Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}.0` : String(v);
  return v < 0 ? `(${s})` : s;
}

/**
 * Shader text for GLSL or WGSL (they spell everything this language has alike); `name` maps each
 * variable to the shader's spelling. Fully parenthesised, so precedence never differs.
 */
export function exprShader(e: Expr, name: (v: string) => string): string {
  switch (e.k) {
    case 'num':
      return exprLiteral(e.v);
    case 'var':
      return name(e.name);
    case 'neg':
      return `(-${exprShader(e.a, name)})`;
    case 'bin':
      return `(${exprShader(e.a, name)} ${e.op} ${exprShader(e.b, name)})`;
    case 'call':
      return `${e.f}(${e.args.map((a) => exprShader(a, name)).join(', ')})`;
  }
}

const TF_BINARY = { '+': tf.add, '-': tf.sub, '*': tf.mul, '/': tf.div } as const;
const TF_CALLS: Record<ExprFunction, (...xs: tf.Tensor[]) => tf.Tensor> = {
  sqrt: tf.sqrt,
  abs: tf.abs,
  max: tf.maximum,
  min: tf.minimum,
  exp: tf.exp,
  log: tf.log,
  sin: tf.sin,
  cos: tf.cos,
  sign: tf.sign,
};

/** The expression in tf ops; `value` gives each variable's tensor (call inside tf.tidy). */
export function exprTf(e: Expr, value: (v: string) => tf.Tensor): tf.Tensor {
  switch (e.k) {
    case 'num':
      return tf.scalar(e.v);
    case 'var':
      return value(e.name);
    case 'neg':
      return tf.neg(exprTf(e.a, value));
    case 'bin':
      return TF_BINARY[e.op](exprTf(e.a, value), exprTf(e.b, value));
    case 'call':
      return TF_CALLS[e.f](...e.args.map((a) => exprTf(a, value)));
  }
}

const JS_CALLS: Record<ExprFunction, (...xs: number[]) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  sign: Math.sign,
};

/** The expression evaluated in float64 JavaScript: the kernels' independent reference in the checks. */
export function exprEval(e: Expr, value: (v: string) => number): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var':
      return value(e.name);
    case 'neg':
      return -exprEval(e.a, value);
    case 'bin': {
      const a = exprEval(e.a, value);
      const b = exprEval(e.b, value);
      return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : a / b;
    }
    case 'call':
      return JS_CALLS[e.f](...e.args.map((a) => exprEval(a, value)));
  }
}
