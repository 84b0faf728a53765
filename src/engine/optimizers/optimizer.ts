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
import { TENSOR_STEPS } from './tensorSteps';

/** Named parameter tensors, each [N, …]. */
export type ParamMap = Record<string, tf.Tensor>;

/** The stacked state before the first step: each slot at its initial value (per row where it differs). */
function initialState(slots: StepRule['slots'], param: tf.Tensor): tf.Tensor {
  const fill = (init: RowValue | 'param' | undefined): tf.Tensor => {
    if (init === undefined || init === 0) return tf.zerosLike(param);
    if (init === 'param') return tf.clone(param);
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
  /** a tensor step's state per parameter (its shapes are its own: Adafactor's row and column factors) */
  private readonly tensorStates = new Map<string, tf.Tensor[]>();
  private slotNames: string[] = [];

  /**
   * @param rows one complete set of hyperparameters per run (defaults already applied)
   * @param options.vectorsAsMatrices each row's vector parameter is a 1×n matrix (Muon on the 2-D
   *   surface); by default only parameters with two or more axes per row are matrices
   */
  constructor(
    readonly definition: OptimizerDefinition<unknown>,
    rows: HyperValues[],
    private readonly shape: { vectorsAsMatrices?: boolean } = {},
  ) {
    if (definition.closure)
      throw new Error(
        `${definition.label} steps with a closure, one run at a time (lbfgsStep.ts), not as batched rows`,
      );
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
    if (!this.definition.rule) return this.tensorStep(params, grads, lr);
    const rule = this.definition.rule(ruleContext(this.rows, this.h, this.options, this.t, rowValue(lr)), this.kept);
    const { attrs, rowValues } = stepPrepare(rule, this.rows);
    const k = attrs.code.slots.length;
    this.slotNames = rule.slots.map((s) => s.name);
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

  private tensorStep(params: ParamMap, grads: ParamMap, lr: ArrayLike<number>): ParamMap {
    const step = TENSOR_STEPS[this.definition.name];
    if (!step) throw new Error(`${this.definition.name} has neither an element-wise rule nor a tensor step`);
    const ctx = ruleContext(this.rows, this.h, this.options, this.t, rowValue(lr));
    const { result, states } = tf.tidy(() => {
      const result: ParamMap = {};
      const states: Record<string, tf.Tensor[]> = {};
      for (const [name, param] of Object.entries(params)) {
        const grad = grads[name];
        if (!grad) throw new Error(`no gradient for parameter "${name}"`);
        const matrix = param.rank >= 3 || (param.rank === 2 && Boolean(this.shape.vectorsAsMatrices));
        const out = step({ ctx, param, grad, state: this.tensorStates.get(name), matrix });
        result[name] = out.param;
        states[name] = out.state;
      }
      return { result, states };
    });
    for (const [name, s] of Object.entries(states)) {
      tf.dispose(this.tensorStates.get(name));
      this.tensorStates.set(name, s);
    }
    return result;
  }

  /**
   * A copy of one state tensor of one parameter, [N, …θ] (e.g. ASGD's average θ̄); null before the
   * first step or when the rule keeps no such state. The caller owns it.
   */
  slot(param: string, slot: string): tf.Tensor | null {
    const state = this.states.get(param);
    const j = this.slotNames.indexOf(slot);
    if (!state || j < 0) return null;
    return tf.tidy(() => tf.gather(state, j));
  }

  dispose(): void {
    for (const s of this.states.values()) s.dispose();
    this.states.clear();
    for (const s of this.tensorStates.values()) tf.dispose(s);
    this.tensorStates.clear();
  }
}

/** A batched optimizer for rows of one optimizer; omitted hyperparameters take PyTorch's defaults. */
export function optimizerCreate(
  name: OptimizerName,
  rows: Partial<HyperValues>[],
  options: { vectorsAsMatrices?: boolean } = {},
): Optimizer {
  return new Optimizer(
    OPTIMIZERS[name],
    rows.map((r) => optimizerWithDefaults(name, r)),
    options,
  );
}
