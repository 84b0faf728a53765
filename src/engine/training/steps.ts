/** Counting steps, without tfjs (the page shows steps per epoch while the engine loads). */

/** Optimizer steps in one epoch: the last batch may be smaller. */
export function trainStepsPerEpoch(nTrain: number, batchSize: number): number {
  return Math.ceil(nTrain / batchSize);
}

/** Rows per forward pass when evaluating a whole set (keeps CNN activations small; the cost model counts them). */
export const EVAL_ROWS = 1024;

/** How often the training loop measures the gradient norm and update ratios, by default: like a logging interval. */
export const DIAGNOSTICS_EVERY = 10;
