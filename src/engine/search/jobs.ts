/** The search lab's engine entry: a search (trials streamed as they change), the range test and the batch-size study. */
import type { JobContext } from '../job';
import type { SearchSpec } from '../spec/searchSchema';
import { batchStudyRun, type BatchStudyResult, type BatchStudyRun } from './batchStudy';
import { lrFinderRun, type LrFinderPoint, type LrFinderResult } from './lrFinder';
import { searchRun, type SearchProgress, type SearchResult, type SearchTrial } from './runSearch';

export type SearchEvent = { type: 'trials'; trials: SearchTrial[] } | { type: 'progress'; progress: SearchProgress };

export function search(spec: SearchSpec, ctx: JobContext<SearchEvent>): Promise<SearchResult> {
  return searchRun(spec, ctx.loadAsset, {
    signal: ctx.signal,
    csvText: ctx.csvText,
    budget: { spec, allowLarge: ctx.allowLarge },
    onTrials: (trials) => ctx.onEvent?.({ type: 'trials', trials }),
    onProgress: (progress) => ctx.onEvent?.({ type: 'progress', progress }),
  });
}

/** The learning-rate range test of the spec's base experiment; events are the points so far. */
export function finder(spec: SearchSpec, ctx: JobContext<LrFinderPoint[]>): Promise<LrFinderResult> {
  return lrFinderRun(spec.base, spec.finder, ctx.loadAsset, {
    signal: ctx.signal,
    csvText: ctx.csvText,
    budget: { spec, allowLarge: ctx.allowLarge },
    onPoints: ctx.onEvent,
  });
}

/** The batch-size study of the spec's base experiment; an event per finished batch size. */
export function study(spec: SearchSpec, ctx: JobContext<BatchStudyRun>): Promise<BatchStudyResult> {
  return batchStudyRun(spec.base, spec.study, ctx.loadAsset, {
    signal: ctx.signal,
    csvText: ctx.csvText,
    budget: { spec, allowLarge: ctx.allowLarge },
    onRun: ctx.onEvent,
  });
}
