/** The lottery-ticket experiment: iterative magnitude pruning with rewinding, against a random re-initialisation. */
import type { Dataset } from '../data/dataset';
import type { ModelSpec } from '../models/shape';
import { pruneMasks } from './prune';
import {
  fineTuneConfig,
  initialWeights,
  lastMetrics,
  masksApply,
  stageRun,
  type FineTune,
  type Metrics,
  type StudyContext,
} from './stage';

export interface LotteryRound {
  round: number;
  /** share of the weights pruned after this round */
  sparsity: number;
  /** the masked network retrained from the rewound weights (the "winning ticket") */
  rewound: Metrics;
  /** the same mask, retrained from a fresh random initialisation */
  random: Metrics;
}

/**
 * The lottery-ticket experiment (Frankle & Carbin 2019; rewinding to an early step: Frankle et al.
 * 2020): train; prune `rate` of the remaining weights by magnitude (global); reset the survivors to
 * their values at initialisation (rewindEpochs = 0) or after `rewindEpochs` epochs; retrain; repeat
 * for `rounds`. Each round's mask is also retrained from a new random initialisation, the control.
 */
export async function lotteryStudy(
  train: Dataset,
  test: Dataset,
  model: ModelSpec,
  options: { rounds: number; rate: number; rewindEpochs: number; train: FineTune },
  ctx: StudyContext = {},
): Promise<{ dense: Metrics; rounds: LotteryRound[] }> {
  const ft = options.train;
  const theta0 = await initialWeights(model, train, ft.seed);
  const rewindTo =
    options.rewindEpochs > 0
      ? (
          await stageRun(
            ctx,
            `training to the rewind point (${options.rewindEpochs} epochs)`,
            train,
            test,
            fineTuneConfig(model, { ...ft, epochs: options.rewindEpochs }, { initialWeights: [theta0] }),
            true,
          )
        ).weights![0]
      : theta0;
  const other = await initialWeights(model, train, ft.seed + 1000);
  const dense = await stageRun(
    ctx,
    'training the dense network',
    train,
    test,
    fineTuneConfig(model, ft, { initialWeights: [theta0] }),
    true,
  );
  let trained = dense.weights![0];
  const rounds: LotteryRound[] = [];
  for (let r = 1; r <= options.rounds; r++) {
    const sparsity = 1 - (1 - options.rate) ** r;
    const layers = trained
      .filter((w) => w.name.endsWith('/w'))
      .map((w) => ({ values: w.values, units: w.shape[w.shape.length - 1] }));
    const masks = pruneMasks(layers, sparsity, 'global');
    const ticket = await stageRun(
      ctx,
      `round ${r}: the rewound ticket`,
      train,
      test,
      fineTuneConfig(model, ft, { initialWeights: [masksApply(rewindTo, masks, false)], masks: [masks] }),
      true,
    );
    const control = await stageRun(
      ctx,
      `round ${r}: random re-initialisation`,
      train,
      test,
      fineTuneConfig(model, ft, { initialWeights: [masksApply(other, masks, false)], masks: [masks] }),
    );
    rounds.push({ round: r, sparsity, rewound: lastMetrics(ticket), random: lastMetrics(control) });
    trained = ticket.weights![0];
  }
  return { dense: lastMetrics(dense), rounds };
}
