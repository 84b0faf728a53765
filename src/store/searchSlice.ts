/**
 * The search lab's state: the `search` spec being edited, the searches run so far (each a record of
 * its trials, streamed in), the trial being looked at, and the latest learning-rate range test and
 * batch-size study.
 */
import type { StateCreator } from 'zustand';
import type { BatchStudyResult, BatchStudyRun } from '../engine/search/batchStudy';
import type { LrFinderPoint, LrFinderResult } from '../engine/search/lrFinder';
import type { SearchEvaluation, SearchProgress, SearchTrial } from '../engine/search/runSearch';
import { searchSpecParseValid, specParse, type SpecError } from '../engine/spec/schema';
import type { SearchSpec } from '../engine/spec/searchSchema';
import type { AppState } from './store';

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

export type JobStatus = 'running' | 'done' | 'cancelled' | 'error';

export interface SearchRecord {
  id: number;
  spec: SearchSpec;
  title: string;
  trials: SearchTrial[];
  evaluations: SearchEvaluation[];
  progress: SearchProgress | null;
  status: JobStatus;
  error: string | null;
  best: number | null;
  backend: string | null;
}

export interface FinderState {
  spec: SearchSpec;
  points: LrFinderPoint[];
  result: LrFinderResult | null;
  status: JobStatus;
  error: string | null;
}

export interface StudyState {
  spec: SearchSpec;
  runs: BatchStudyRun[];
  result: BatchStudyResult | null;
  status: JobStatus;
  error: string | null;
  startedAt: number;
}

export interface SearchSlice {
  searchSpec: SearchSpec;
  searches: SearchRecord[];
  /** the search whose trials the views show */
  searchShown: number | null;
  /** the trial whose curves are shown */
  trialSelected: number | null;
  finder: FinderState | null;
  study: StudyState | null;
  searchError: string | null;
  searchSpecReplace(spec: SearchSpec): void;
  /** an edit of the spec; returns the errors (and keeps the previous spec) when it is not valid */
  searchEdit(fn: (spec: SearchSpec) => unknown): SpecError[] | null;
  searchRecordStart(spec: SearchSpec): number;
  searchRecordUpdate(id: number, fn: (r: SearchRecord) => Partial<SearchRecord>): void;
  searchShow(id: number | null): void;
  trialSelect(id: number | null): void;
  finderSet(fn: (f: FinderState | null) => FinderState | null): void;
  studySet(fn: (s: StudyState | null) => StudyState | null): void;
  searchErrorSet(message: string | null): void;
}

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

export const createSearchSlice: StateCreator<AppState, [], [], SearchSlice> = (set, get) => {
  let nextId = 1;
  return {
    searchSpec: DEFAULT_SEARCH_SPEC,
    searches: [],
    searchShown: null,
    trialSelected: null,
    finder: null,
    study: null,
    searchError: null,
    searchSpecReplace: (searchSpec) => set({ searchSpec }),
    searchEdit: (fn) => {
      const r = specParse(fn(get().searchSpec));
      if (!r.ok) return r.errors;
      if (r.spec.kind === 'search') set({ searchSpec: r.spec });
      return null;
    },
    searchRecordStart: (spec) => {
      const id = nextId++;
      const record: SearchRecord = {
        id,
        spec,
        title: searchRecordTitle(spec),
        trials: [],
        evaluations: [],
        progress: null,
        status: 'running',
        error: null,
        best: null,
        backend: null,
      };
      set((s) => ({ searches: [...s.searches, record], searchShown: id, trialSelected: null }));
      return id;
    },
    searchRecordUpdate: (id, fn) =>
      set((s) => ({ searches: s.searches.map((r) => (r.id === id ? { ...r, ...fn(r) } : r)) })),
    searchShow: (searchShown) => set({ searchShown, trialSelected: null }),
    trialSelect: (trialSelected) => set({ trialSelected }),
    finderSet: (fn) => set((s) => ({ finder: fn(s.finder) })),
    studySet: (fn) => set((s) => ({ study: fn(s.study) })),
    searchErrorSet: (searchError) => set({ searchError }),
  };
};
