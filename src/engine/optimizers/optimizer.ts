/**
 * Runs any optimizer of the registry on batched parameters: every tensor has a leading runs axis
 * [N, …] and every numeric hyperparameter may differ per row, so N runs (a sweep, a cloud of start
 * points, seeds) step together. Each step asks the optimizer for its rule once and applies it to every
 * parameter through OptiplayElementwiseStep (GPU programs, or tf ops); each parameter's state is its
 * rule's state tensors stacked, [k, …θ]. Semantics follow torch.optim (PyTorch ≥ 1.13, single tensor).
 */
import * as tf from '@tensorflow/tfjs-core';
import { elementwiseStep, stepPrepare } from '../kernels/elementwiseStep';
import {
  hyperSplit,
  ruleContext,
  rowValue,
  type HyperValues,
  type OptimizerDefinition,
  type RowValue,
  type StepRule,
} from './define';
import { OPTIMIZERS, optimizerWithDefaults, type OptimizerName } from './registry';

/** Named parameter tensors, each [N, …]. */
export type ParamMap = Record<string, tf.Tensor>;

/** The stacked state before the first step: each slot at its initial value (per row where it differs). */
function initialState(slots: StepRule['slots'], param: tf.Tensor): tf.Tensor {
  const fill = (init: RowValue | undefined): tf.Tensor => {
    if (init === undefined || init === 0) return tf.zerosLike(param);
    if (typeof init === 'number') return tf.fill(param.shape, init);
    const column = tf.tensor(Float32Array.from(init), [param.shape[0], ...new Array<number>(param.rank - 1).fill(1)]);
    return tf.mul(tf.onesLike(param), column);
  };
  return tf.stack(slots.map((s) => fill(s.init)));
}

export class Optimizer {
  /** number of runs (rows) stepped together */
  readonly rows: number;
  private readonly h: Record<string, RowValue>;
  private readonly options: Record<string, boolean>;
  private readonly kept: unknown;
  private t = 0;
  private readonly states = new Map<string, tf.Tensor>();

  /** @param rows one complete set of hyperparameters per run (defaults already applied) */
  constructor(
    readonly definition: OptimizerDefinition<unknown>,
    rows: HyperValues[],
  ) {
    this.rows = rows.length;
    ({ h: this.h, options: this.options } = hyperSplit(rows));
    this.kept = definition.init?.({ rows: this.rows, h: this.h });
  }

  /** How many steps this optimizer has taken. */
  get stepCount(): number {
    return this.t;
  }

  /**
   * One step for every row; `lr` is each row's learning rate for this step (from its schedule).
   * Returns new parameter tensors; the caller owns them and the ones it passed in.
   */
  step(params: ParamMap, grads: ParamMap, lr: ArrayLike<number>): ParamMap {
    if (lr.length !== this.rows) throw new Error(`expected ${this.rows} learning rates, got ${lr.length}`);
    this.t += 1;
    const rule = this.definition.rule(ruleContext(this.rows, this.h, this.options, this.t, rowValue(lr)), this.kept);
    const { attrs, rowValues } = stepPrepare(rule, this.rows);
    const k = attrs.code.slots.length;
    const { result, states } = tf.tidy(() => {
      const rows = rowValues ? tf.tensor2d(rowValues, [this.rows, attrs.code.rowScalars.length]) : null;
      const result: ParamMap = {};
      const states: ParamMap = {};
      for (const [name, param] of Object.entries(params)) {
        const grad = grads[name];
        if (!grad) throw new Error(`no gradient for parameter "${name}"`);
        let state = this.states.get(name);
        if (k > 0 && state === undefined) state = initialState(rule.slots, param);
        if (k !== (state?.shape[0] ?? 0))
          throw new Error(`${this.definition.name}: the rule's state changed from step to step`);
        const inputs: Record<string, tf.Tensor> = { param, grad };
        if (state) inputs.state = state;
        if (rows) inputs.rows = rows;
        const [p, s] = elementwiseStep.run(inputs, attrs);
        result[name] = p;
        if (s) states[name] = s;
      }
      return { result, states };
    });
    for (const [name, s] of Object.entries(states)) {
      this.states.get(name)?.dispose();
      this.states.set(name, s);
    }
    return result;
  }

  dispose(): void {
    for (const s of this.states.values()) s.dispose();
    this.states.clear();
  }
}

/** A batched optimizer for rows of one optimizer; omitted hyperparameters take PyTorch's defaults. */
export function optimizerCreate(name: OptimizerName, rows: Partial<HyperValues>[]): Optimizer {
  return new Optimizer(
    OPTIMIZERS[name],
    rows.map((r) => optimizerWithDefaults(name, r)),
  );
}
