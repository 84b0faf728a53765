/** Actions that carry an experiment from one lab to another (the search lab's results into the training lab, and back). */
import { optimizerWithLr } from '../engine/optimizers/registry';
import type { SearchTrial } from '../engine/search/runSearch';
import { searchTrialSpec } from '../engine/search/space';
import { searchBaseOf, type SearchSpec } from '../engine/spec/searchSchema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import { useAppStore } from './store';

/** Opens the training lab on this experiment (one run, labelled). */
function openInTrainLab(spec: TrainSpec, label: string): void {
  const s = useAppStore.getState();
  s.specReplace('train', { ...spec, training: { ...spec.training, seeds: 1 }, runs: [{ ...spec.runs[0], label }] });
  s.labSet('train');
}

/** The range test's suggestion applied: the base experiment with that learning rate, in the training lab. */
export function finderApply(lr: number): void {
  const base = useAppStore.getState().specs.search.base;
  const rounded = Number(lr.toPrecision(2));
  openInTrainLab(
    { ...base, runs: [{ ...base.runs[0], optimizer: optimizerWithLr(base.runs[0].optimizer, rounded) }] },
    `lr ${rounded} (range test)`,
  );
}

/** A trial's configuration, in the training lab. */
export function trialToTrainLab(spec: SearchSpec, trial: SearchTrial): void {
  const train = searchTrialSpec(spec.base, trial.params);
  if (typeof train === 'string') useAppStore.getState().jobErrorSet('search', train);
  else openInTrainLab(train, `trial ${trial.id}`);
}

/** Tunes the training lab's experiment: its data, model, training settings and first run. */
export function searchBaseFromTrainLab(): void {
  const s = useAppStore.getState();
  const t = s.specs.train;
  const errors = s.specEdit('search', (spec) => {
    // parameters the new optimizer or schedule does not have are dropped from the space
    const space = spec.space
      .filter((p) => !p.param.startsWith('optimizer.') || p.param.slice(10) in t.runs[0].optimizer)
      .filter((p) => !p.param.startsWith('schedule.') || p.param.slice(9) in t.runs[0].schedule);
    return {
      ...spec,
      seed: t.seed,
      base: searchBaseOf(t),
      space: space.length ? space : [{ param: 'optimizer.lr', min: 1e-4, max: 1, scale: 'log' }],
    };
  });
  s.jobErrorSet(
    'search',
    errors
      ? `The training lab's experiment cannot be searched: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
      : null,
  );
}
