/**
 * The search lab: how to choose hyperparameters and how search strategies spend a budget. Three jobs,
 * each with its history: a search (trials streamed as they change), the learning-rate range test and
 * the batch-size study.
 */
import type { BatchStudyResult, BatchStudyRun } from '../engine/search/batchStudy';
import type { SearchEvent } from '../engine/search/jobs';
import type { LrFinderPoint, LrFinderResult } from '../engine/search/lrFinder';
import type { SearchEvaluation, SearchProgress, SearchResult, SearchTrial } from '../engine/search/runSearch';
import { searchSpecParseValid } from '../engine/spec/schema';
import type { SearchSpec } from '../engine/spec/searchSchema';
import { defineLab, type JobRecord } from './types';

/** The opening search: Adam's learning rate and β₁ on the circle MLP, Bayesian, 16 trials. */
export const DEFAULT_SEARCH_SPEC: SearchSpec = searchSpecParseValid({
  seed: 0,
  base: {
    data: { name: 'circle', size: 400, noise: 0.15 },
    model: { kind: 'mlp', hidden: [8, 8], activation: 'tanh', init: 'xavier' },
    training: { batchSize: 32, epochs: 10 },
    run: { optimizer: { name: 'adam', lr: 0.01 } },
  },
  space: [
    { param: 'optimizer.lr', min: 1e-4, max: 1, scale: 'log' },
    { param: 'optimizer.beta1', min: 0.5, max: 0.99, scale: 'linear' },
  ],
  strategy: { name: 'bayes', trials: 16, initial: 6, parallel: 4 },
  objective: 'testLoss',
});

export type SearchRecord = JobRecord<
  { trials: SearchTrial[]; evaluations: SearchEvaluation[]; progress: SearchProgress | null; best: number | null },
  SearchSpec
>;
export type FinderRecord = JobRecord<{ points: LrFinderPoint[]; result: LrFinderResult | null }, SearchSpec>;
export type StudyRecord = JobRecord<{ runs: BatchStudyRun[]; result: BatchStudyResult | null }, SearchSpec>;

const STRATEGY_LABELS: Record<SearchSpec['strategy']['name'], string> = {
  grid: 'Grid',
  random: 'Random',
  bayes: 'Bayesian',
  sha: 'Successive halving',
  hyperband: 'Hyperband',
};

export function searchStrategyLabel(name: SearchSpec['strategy']['name']): string {
  return STRATEGY_LABELS[name];
}

export function searchRecordTitle(spec: SearchSpec): string {
  const s = spec.strategy;
  const budget =
    s.name === 'grid'
      ? `${s.gridPoints} per axis`
      : s.name === 'hyperband'
        ? `R ${s.maxEpochs}, η ${s.eta}`
        : s.name === 'sha'
          ? `${s.trials} trials, R ${s.maxEpochs}`
          : `${s.trials} trials`;
  return `${STRATEGY_LABELS[s.name]} · ${budget} · ${spec.space.map((p) => p.param.split('.')[1]).join(', ')}`;
}

/** Folds changed trials into a record (by id; new ones are appended). */
export function searchEventApply(record: SearchRecord, event: SearchEvent): Partial<SearchRecord> {
  if (event.type === 'progress') return { progress: event.progress };
  const trials = record.trials.slice();
  for (const t of event.trials) trials[t.id] = t;
  return { trials };
}

const engine = () => import('../engine/search/jobs');

export const searchLab = defineLab<SearchSpec>({
  id: 'search',
  label: 'Search lab',
  kind: 'search',
  defaults: DEFAULT_SEARCH_SPEC,
  // a search or a study takes minutes: a link shows it, and Run reproduces it
  onLink: 'wait',
  data: (spec) => spec.base.data,
  run: 'search',
  jobs: {
    search: {
      engine,
      record: {
        title: searchRecordTitle,
        initial: () => ({ trials: [], evaluations: [], progress: null, best: null }),
        event: searchEventApply,
        result: (_r: SearchRecord, result: SearchResult) => ({
          trials: result.trials,
          evaluations: result.evaluations,
          best: result.best,
        }),
      },
    },
    finder: {
      engine,
      record: {
        title: (spec) => `Range test · ${spec.finder.minLr} to ${spec.finder.maxLr}, ${spec.finder.steps} steps`,
        initial: () => ({ points: [], result: null }),
        event: (_r: FinderRecord, points: LrFinderPoint[]) => ({ points }),
        result: (_r: FinderRecord, result: LrFinderResult) => ({ points: result.points, result }),
      },
    },
    study: {
      engine,
      record: {
        title: (spec) => `Batch sizes ${spec.study.sizes.join(', ')} · ${spec.study.epochs} epochs`,
        initial: () => ({ runs: [], result: null }),
        event: (r: StudyRecord, run: BatchStudyRun) => ({ runs: [...r.runs, run] }),
        result: (_r: StudyRecord, result: BatchStudyResult) => ({ runs: result.runs, result }),
      },
    },
  },
  page: () => import('../ui/search/SearchPage').then((m) => ({ default: m.SearchPage })),
  cli: () => import('../cli/search'),
});
