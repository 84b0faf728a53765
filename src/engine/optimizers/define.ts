/**
 * What an optimizer is, without tfjs: its metadata (label, paper, LaTeX rule, hyperparameters with
 * PyTorch's defaults and our ranges) and its update rule as element-wise expressions
 * (kernels/expression.ts). One file per optimizer states both; the engine compiles the rule to GPU
 * programs and tf ops (kernels/elementwiseStep.ts), the page reads the rest.
 */

export interface NumberHyperMeta {
  kind: 'number';
  key: string;
  label: string;
  /** LaTeX symbol used in the update rule */
  symbol: string;
  description: string;
  default: number;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  /** must be a whole number */
  integer?: boolean;
  /** changes the step's structure (Muon's iteration count): runs that differ in it step apart */
  structural?: boolean;
}

export interface BooleanHyperMeta {
  kind: 'boolean';
  key: string;
  label: string;
  description: string;
  default: boolean;
}

export type HyperMeta = NumberHyperMeta | BooleanHyperMeta;

/** One run's hyperparameters: numbers, and booleans for options such as nesterov or amsgrad. */
export type HyperValues = Record<string, number | boolean>;

/** A value per row of a batched step, or one number that every row shares. */
export type RowValue = number | Float64Array;

/** What a rule is built from, once per step. */
export interface RuleContext {
  /** the step, from 1 (torch's state['step'] after its increment) */
  readonly t: number;
  readonly rows: number;
  /** this step's learning rates */
  readonly lr: RowValue;
  /** the numeric hyperparameters */
  readonly h: Readonly<Record<string, RowValue>>;
  /** the on/off options, the same for every row */
  readonly options: Readonly<Record<string, boolean>>;
  /** `fn` row by row, in float64; a number where every input is one */
  map(fn: (...xs: number[]) => number, ...xs: RowValue[]): RowValue;
  /** whether any row's value is not 0 */
  nonzero(x: RowValue): boolean;
}

/**
 * One step's update of every parameter, element by element. Expressions read `p` (θ), `g` (the
 * gradient), `@slot` (a state tensor's old value), `$scalar` and earlier `lets` by name.
 */
export interface StepRule {
  /** the state tensors, in order, with their value before the first step (default 0; 'param': a copy of θ₀) */
  slots: { name: string; init?: RowValue | 'param' }[];
  scalars: Record<string, RowValue>;
  lets: [string, string][];
  /** each slot's new value */
  next: Record<string, string>;
  /** θ's new value */
  param: string;
}

export interface OptimizerMeta {
  name: string;
  label: string;
  /** one line, for a tooltip or a legend */
  description: string;
  paper: { title: string; authors: string; year: number; url: string };
  /** the PyTorch class whose semantics and defaults we follow */
  torch: string;
  /** the update rule in LaTeX, using the hyperparameters' symbols; one line per aligned row */
  latex: string;
  hyper: HyperMeta[];
  /**
   * A state slot holding averaged parameters that the page shows beside the path (ASGD's θ̄,
   * schedule-free's x, the point it evaluates); `label` names it in the legend.
   */
  averaged?: { slot: string; label: string; description: string };
  /** what a user should know beyond the rule (how it acts on the 2-D surface, what it cannot batch), shown under it */
  note?: string;
  /** a further check across hyperparameters, as torch makes; returns the problem or null */
  check?: (values: HyperValues) => { key: string; message: string } | null;
}

export interface OptimizerDefinition<S = undefined> extends OptimizerMeta {
  /** per-row values kept in JavaScript from step to step (e.g. NAdam's product of μ), made before the first */
  init?: (ctx: { rows: number; h: Readonly<Record<string, RowValue>> }) => S;
  /** this step's rule; called once per step, before any parameter is updated (absent for a tensor step) */
  rule?: (ctx: RuleContext, state: S) => StepRule;
  /**
   * A step that is not element-wise (norms over a tensor, factored moments, matrix iterations): it
   * is written in tensor ops in tensorSteps.ts; here, how many θ-sized state tensors it keeps at
   * most (for the cost model).
   */
  tensor?: { stateSlots: number };
  /**
   * The step calls the objective itself, possibly several times (torch's `optimizer.step(closure)`,
   * L-BFGS): it has its own loop (lbfgsStep.ts), one run at a time, not rows of a batched step.
   */
  closure?: true;
}

export function defineOptimizer<S = undefined>(def: OptimizerDefinition<S>): OptimizerDefinition<S> {
  return def;
}

// --- hyperparameters shared by several optimizers -------------------------------------------------

export const lrMeta = (def: number): NumberHyperMeta => ({
  kind: 'number',
  key: 'lr',
  label: 'learning rate',
  symbol: '\\eta',
  description: 'step size',
  default: def,
  min: 1e-6,
  max: 10,
  scale: 'log',
});
export const weightDecayMeta = (def = 0): NumberHyperMeta => ({
  kind: 'number',
  key: 'weightDecay',
  label: 'weight decay',
  symbol: '\\lambda',
  description: 'L2 penalty added to the gradient',
  default: def,
  min: 0,
  max: 1,
  scale: 'linear',
});
export const epsMeta = (def: number): NumberHyperMeta => ({
  kind: 'number',
  key: 'eps',
  label: 'epsilon',
  symbol: '\\epsilon',
  description: 'added to the denominator for numerical stability',
  default: def,
  min: 1e-12,
  max: 1,
  scale: 'log',
});
export const betaMeta = (key: 'beta1' | 'beta2', def: number, what: string): NumberHyperMeta => ({
  kind: 'number',
  key,
  label: key === 'beta1' ? 'β₁' : 'β₂',
  symbol: key === 'beta1' ? '\\beta_1' : '\\beta_2',
  description: what,
  default: def,
  min: 0,
  max: 0.99999,
  scale: 'linear',
});
export const momentumMeta: NumberHyperMeta = {
  kind: 'number',
  key: 'momentum',
  label: 'momentum',
  symbol: '\\mu',
  description: 'momentum factor',
  default: 0,
  min: 0,
  max: 0.999,
  scale: 'linear',
};

/** A rule's first intermediate: the gradient with the coupled L2 penalty (torch's weight_decay ≠ 0), named gd. */
export function decayedGrad(ctx: RuleContext): [string, string] {
  return ['gd', ctx.nonzero(ctx.h.weightDecay) ? '$weightDecay * p + g' : 'g'];
}

/** LaTeX rows joined as an aligned block. */
export const latexRows = (...rows: string[]) => rows.join(' \\\\ ');

// --- building a rule's context -------------------------------------------------------------------

/** One number where every row has the same value, else the values. */
export function rowValue(values: ArrayLike<number>): RowValue {
  for (let i = 1; i < values.length; i++) {
    if (!Object.is(values[i], values[0])) return Float64Array.from(values);
  }
  return values[0];
}

/** Rows' hyperparameters split into numeric values (per row where they differ) and on/off options. */
export function hyperSplit(rows: HyperValues[]): {
  h: Record<string, RowValue>;
  options: Record<string, boolean>;
} {
  if (rows.length === 0) throw new Error('an optimizer needs at least one run');
  const h: Record<string, RowValue> = {};
  const options: Record<string, boolean> = {};
  for (const key of Object.keys(rows[0])) {
    const first = rows[0][key];
    if (typeof first === 'boolean') {
      if (rows.some((r) => r[key] !== first))
        throw new Error(`option "${key}" must be the same for every run stepped together`);
      options[key] = first;
    } else {
      h[key] = rowValue(rows.map((r) => Number(r[key])));
    }
  }
  return { h, options };
}

export function ruleContext(
  rows: number,
  h: Record<string, RowValue>,
  options: Record<string, boolean>,
  t: number,
  lr: RowValue,
): RuleContext {
  return {
    t,
    rows,
    lr,
    h,
    options,
    map(fn, ...xs) {
      if (xs.every((x) => typeof x === 'number')) return fn(...(xs as number[]));
      const out = new Float64Array(rows);
      const args = new Array<number>(xs.length);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < xs.length; j++) {
          const x = xs[j];
          args[j] = typeof x === 'number' ? x : x[i];
        }
        out[i] = fn(...args);
      }
      return rowValue(out);
    },
    nonzero: (x) => (typeof x === 'number' ? x !== 0 : x.some((v) => v !== 0)),
  };
}
