/**
 * Batched optimizers: every parameter tensor has a leading runs axis [N, ...], and every numeric
 * hyperparameter may differ per run (one value per row), so N independent runs (a sweep over lr,
 * momentum or betas, or a cloud of start points) step together in the same kernels.
 *
 * Semantics follow torch.optim (PyTorch ≥ 1.13, single-tensor path). Per-step scalars such as bias
 * corrections are computed in float64 in JavaScript, as PyTorch computes them in Python floats.
 * Slot variables are named after their parameter (`${param}/${slot}`), as in tfjs-core.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedStep, stepFusionOn, type FusedRule } from './fusedStep';

/** The slot of a fused step's state: the rule's state tensors stacked, [k, …θ]. */
const STACKED = 'fused';

/** Named parameter tensors, each [N, ...]. */
export type ParamMap = Record<string, tf.Tensor>;

/** One run's hyperparameters: numbers, and booleans for options such as nesterov or amsgrad. */
export type HyperValues = Record<string, number | boolean>;

/** What an optimizer's update rule sees while updating one parameter. */
export interface UpdateContext {
  /** the current step, starting at 1 (torch's state['step'] after its increment) */
  readonly t: number;
  /** the per-row value of a numeric hyperparameter, shaped to broadcast against the parameter */
  hyper(key: string): tf.Tensor;
  /** per-row values computed in JavaScript (float64), shaped to broadcast against the parameter */
  perRow(fn: (row: number) => number): tf.Tensor;
  /** the learning rate of each row for this step */
  readonly lr: tf.Tensor;
  /** the same learning rates as numbers (float64) */
  readonly lrValues: ArrayLike<number>;
  /** the current value of a slot of this parameter; `init` gives its value before the first step */
  slot(name: string, init?: 'zeros' | number | string): tf.Tensor;
  /** sets the new value of a slot */
  setSlot(name: string, value: tf.Tensor): void;
  /** whether this parameter has the slot yet */
  hasSlot(name: string): boolean;
  /** removes a slot (an update rule that keeps its state in another form, e.g. fused Adam's m and v stacked) */
  dropSlot(name: string): void;
}

export abstract class BatchedOptimizer {
  /** number of runs (rows) stepped together */
  readonly rows: number;
  /** per-row numeric hyperparameters */
  protected readonly values: Record<string, Float64Array> = {};
  /** options that must be the same for every row (nesterov, amsgrad, centered) */
  protected readonly options: Record<string, boolean> = {};
  /** steps taken so far */
  protected t = 0;
  private slots = new Map<string, tf.Tensor>();
  /** hyperparameter columns, uploaded once per shape rather than every step */
  private columns = new Map<string, tf.Tensor>();

  /** @param rows one complete set of hyperparameters per run (defaults already applied) */
  constructor(rows: HyperValues[]) {
    if (rows.length === 0) throw new Error('an optimizer needs at least one run');
    this.rows = rows.length;
    for (const key of Object.keys(rows[0])) {
      const first = rows[0][key];
      if (typeof first === 'boolean') {
        if (rows.some((r) => r[key] !== first)) {
          throw new Error(`option "${key}" must be the same for every run stepped together`);
        }
        this.options[key] = first;
      } else {
        this.values[key] = Float64Array.from(rows, (r) => Number(r[key]));
      }
    }
  }

  /** How many steps this optimizer has taken. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * The update rule for one parameter, called inside tf.tidy. Returns the new parameter value;
   * new slot values are stored with ctx.setSlot.
   */
  protected abstract update(ctx: UpdateContext, param: tf.Tensor, grad: tf.Tensor): tf.Tensor;

  /**
   * This step's update of one parameter as element-wise expressions for the fused kernel
   * (fusedStep.ts), or undefined for the tf-op path (`update`). Called only where the backend has the
   * kernel; an optimizer offers a rule where its rows share their hyperparameters (Adam and AdamW
   * have their own kernel, fusedAdam.ts, and no rule).
   */
  protected fusedRule?(ctx: UpdateContext): FusedRule | undefined;

  /** The state tensors' names of the last fused step, in stacking order (unstacked when a tf-op step follows). */
  private stackedNames: string[] = [];

  /** Where every row has the same value of each of `keys` (and, with the key 'lr', the same learning rate): those values. */
  protected sharedValues(ctx: UpdateContext, keys: string[]): Record<string, number> | undefined {
    const out: Record<string, number> = {};
    for (const key of keys) {
      const v = sharedValue(key === 'lr' ? ctx.lrValues : this.values[key]);
      if (v === undefined) return undefined;
      out[key] = v;
    }
    return out;
  }

  /**
   * One step for every row. `lr` gives each row's learning rate for this step (from its schedule).
   * Returns new parameter tensors; the caller owns them and the ones it passed in.
   */
  step(params: ParamMap, grads: ParamMap, lr: ArrayLike<number>): ParamMap {
    if (lr.length !== this.rows) throw new Error(`expected ${this.rows} learning rates, got ${lr.length}`);
    this.t += 1;
    const t = this.t;
    /** new slot values; null: the slot is dropped */
    const pending = new Map<string, tf.Tensor | null>();
    const result = tf.tidy(() => {
      const out: ParamMap = {};
      // per-step values (the learning rates, bias corrections) are the same for every parameter of a
      // rank: made once per step and rank, not once per parameter (fewer uploads per step)
      const perStep = new Map<string, tf.Tensor>();
      for (const [name, param] of Object.entries(params)) {
        const grad = grads[name];
        if (!grad) throw new Error(`no gradient for parameter "${name}"`);
        const shape = [this.rows, ...new Array<number>(param.rank - 1).fill(1)];
        const column = (data: ArrayLike<number>): tf.Tensor => {
          const first = data[0];
          for (let i = 1; i < data.length; i++) if (data[i] !== first) return tf.tensor(Float32Array.from(data), shape);
          return tf.scalar(first);
        };
        const stepColumn = (key: string, data: ArrayLike<number>): tf.Tensor => {
          if (data.length > 64) return column(data);
          const k = `${param.rank}|${key}|${Array.prototype.join.call(data, ',')}`;
          let made = perStep.get(k);
          if (!made) perStep.set(k, (made = column(data)));
          return made;
        };
        // made when a rule reads it: the fused kernels take the learning rate as a number
        let lrTensor: tf.Tensor | undefined;
        const ctx: UpdateContext = {
          t,
          get lr() {
            return (lrTensor ??= stepColumn('lr', lr));
          },
          lrValues: lr,
          hyper: (key) => {
            const cacheKey = `${key}|${param.rank}`;
            const cached = this.columns.get(cacheKey);
            if (cached) return cached;
            const v = this.values[key];
            if (!v) throw new Error(`unknown hyperparameter "${key}"`);
            const made = tf.keep(column(v));
            this.columns.set(cacheKey, made);
            return made;
          },
          perRow: (fn) =>
            stepColumn(
              'row',
              Float64Array.from({ length: this.rows }, (_, i) => fn(i)),
            ),
          slot: (slotName, init = 'zeros') => {
            const key = `${name}/${slotName}`;
            const existing = pending.has(key) ? pending.get(key) : this.slots.get(key);
            if (existing) return existing;
            if (init === 'zeros') return tf.zerosLike(param);
            const fill =
              typeof init === 'number' ? column(new Float64Array(this.rows).fill(init)) : column(this.values[init]);
            return tf.mul(tf.onesLike(param), fill);
          },
          setSlot: (slotName, value) => {
            pending.set(`${name}/${slotName}`, value);
          },
          hasSlot: (slotName) => {
            const key = `${name}/${slotName}`;
            return pending.has(key) ? pending.get(key) !== null : this.slots.has(key);
          },
          dropSlot: (slotName) => {
            const key = `${name}/${slotName}`;
            if (pending.has(key) || this.slots.has(key)) pending.set(key, null);
          },
        };
        const rule = stepFusionOn() ? this.fusedRule?.(ctx) : undefined;
        if (rule) {
          // the state stacked in one tensor; a run that stepped in tf ops before brings its state along
          const state =
            rule.slots.length === 0
              ? null
              : ctx.hasSlot(STACKED)
                ? ctx.slot(STACKED)
                : tf.stack(rule.slots.map((s) => ctx.slot(s.name, s.init)));
          const next = fusedStep(rule, param, grad, state);
          if (next.state) ctx.setSlot(STACKED, next.state);
          for (const s of rule.slots) ctx.dropSlot(s.name);
          this.stackedNames = rule.slots.map((s) => s.name);
          out[name] = next.param;
        } else {
          if (ctx.hasSlot(STACKED)) {
            const parts = tf.unstack(ctx.slot(STACKED));
            this.stackedNames.forEach((n, j) => ctx.setSlot(n, parts[j]));
            ctx.dropSlot(STACKED);
          }
          out[name] = this.update(ctx, param, grad);
        }
      }
      return { out, slots: Object.fromEntries([...pending].filter((e): e is [string, tf.Tensor] => e[1] !== null)) };
    });
    for (const [key, value] of pending) {
      this.slots.get(key)?.dispose();
      if (value)
        this.slots.set(key, value); // returned by the tidy above, so kept
      else this.slots.delete(key);
    }
    return result.out;
  }

  /** The slot tensors, for inspection (e.g. drawing the velocity on the surface). */
  slot(name: string): tf.Tensor | undefined {
    return this.slots.get(name);
  }

  dispose(): void {
    for (const s of this.slots.values()) s.dispose();
    this.slots.clear();
    for (const c of this.columns.values()) c.dispose();
    this.columns.clear();
  }
}

/** The value every row shares, or undefined where the rows differ. */
export function sharedValue(values: ArrayLike<number>): number | undefined {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return undefined;
  return values[0];
}

/** A fused rule's first intermediate: the gradient with the L2 penalty (as gradWithWeightDecay), named gd. */
export function fusedDecayedGrad(weightDecay: number): [string, string] {
  return ['gd', weightDecay === 0 ? 'g' : '$weightDecay * p + g'];
}

/** L2 penalty added to the gradient, as torch does when weight_decay != 0 (coupled decay). */
export function gradWithWeightDecay(
  ctx: UpdateContext,
  param: tf.Tensor,
  grad: tf.Tensor,
  values: Float64Array,
): tf.Tensor {
  if (values.every((v) => v === 0)) return grad;
  return tf.add(grad, tf.mul(ctx.hyper('weightDecay'), param));
}
