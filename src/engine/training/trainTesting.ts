/** Helpers shared by the training loop's unit tests (Vitest, tfjs CPU backend). */
import { datasetSplit } from '../data/dataset';
import { syntheticMake, type SyntheticName } from '../data/synthetic';
import type { ModelSpec } from '../models/shape';
import { optimizerSetting, type OptimizerName } from '../optimizers/registry';
import { scheduleWithDefaults } from '../schedules/registry';
import type { TrainConfig } from './train';

/** A synthetic dataset (seed 1) split 75/25 (seed 7). */
export const trainTestData = (name: SyntheticName, size = 400, noise = 0.2) =>
  datasetSplit(syntheticMake(name, { size, noise, seed: 1 }), 0.25, 7);

export const trainTestMlp = (hidden: number[], activation: ModelSpec['activation'] = 'tanh'): ModelSpec => ({
  kind: 'mlp',
  hidden,
  activation,
  init: 'xavier',
});

/** One model per run, constant schedules, the same initial weights (seed 3) and batches (seed 5). */
export function trainTestConfig(
  model: ModelSpec,
  runs: { name: OptimizerName; lr: number }[],
  rest: Partial<TrainConfig> = {},
): TrainConfig {
  return {
    model,
    optimizers: runs.map((r) => optimizerSetting(r.name, { lr: r.lr })),
    schedules: runs.map(() => scheduleWithDefaults({ name: 'constant' })),
    initSeeds: runs.map(() => 3),
    seed: 5,
    batchSize: 32,
    epochs: 20,
    l1: 0,
    l2: 0,
    clipNorm: null,
    clipValue: null,
    patience: null,
    ...rest,
  };
}

export const last = <T>(xs: T[]) => xs[xs.length - 1];
