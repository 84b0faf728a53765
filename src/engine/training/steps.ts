/** Counting steps, without tfjs (the page shows steps per epoch while the engine loads). */

/** Optimizer steps in one epoch: the last batch may be smaller. */
export function trainStepsPerEpoch(nTrain: number, batchSize: number): number {
  return Math.ceil(nTrain / batchSize);
}
