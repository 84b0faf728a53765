/**
 * Creates the batched optimizers. Apart from registry.ts (names, hyperparameters, papers, update
 * rules), which the page reads, so that the page bundle does not load tfjs.
 */
import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { Adamax } from './adamax';
import { AdamW } from './adamw';
import type { BatchedOptimizer, HyperValues } from './base';
import { Nadam } from './nadam';
import { optimizerWithDefaults, type OptimizerName } from './registry';
import { Rmsprop } from './rmsprop';
import { Sgd } from './sgd';

const CLASSES: Record<OptimizerName, new (rows: HyperValues[]) => BatchedOptimizer> = {
  sgd: Sgd,
  adagrad: Adagrad,
  rmsprop: Rmsprop,
  adadelta: Adadelta,
  adam: Adam,
  adamw: AdamW,
  adamax: Adamax,
  nadam: Nadam,
};

/** Creates a batched optimizer for rows of one optimizer; omitted hyperparameters take defaults. */
export function optimizerCreate(name: OptimizerName, rows: Partial<HyperValues>[]): BatchedOptimizer {
  return new CLASSES[name](rows.map((r) => optimizerWithDefaults(name, r)));
}
