import { describe, expect, it } from 'vitest';
import type { SearchTrial } from '../engine/search/runSearch';
import { specParse } from '../engine/spec/schema';
import { DEFAULT_SEARCH_SPEC, searchEventApply, searchRecordTitle, type SearchRecord } from './search';

const trial = (id: number, status: SearchTrial['status'], value: number | null = null): SearchTrial => ({
  id,
  params: { 'optimizer.lr': 0.1 * (id + 1) },
  status,
  epochs: 0,
  value,
  curve: [],
  steps: [],
  done: 0,
});

describe('the search lab', () => {
  it('the default search is valid and parses back to itself', () => {
    expect(specParse(JSON.parse(JSON.stringify(DEFAULT_SEARCH_SPEC)))).toEqual({ ok: true, spec: DEFAULT_SEARCH_SPEC });
    expect(searchRecordTitle(DEFAULT_SEARCH_SPEC)).toBe('Bayesian · 16 trials · lr, beta1');
  });

  it('folds streamed trials in by id: new ones are added, changed ones replaced; progress is kept', () => {
    let record = { trials: [] as SearchTrial[], progress: null } as unknown as SearchRecord;
    const apply = (e: Parameters<typeof searchEventApply>[1]) =>
      (record = { ...record, ...searchEventApply(record, e) });
    apply({ type: 'trials', trials: [trial(0, 'queued'), trial(1, 'queued')] });
    apply({ type: 'trials', trials: [trial(1, 'running')] });
    apply({ type: 'trials', trials: [trial(1, 'done', 0.3), trial(2, 'queued')] });
    expect(record.trials.map((t) => [t.id, t.status, t.value])).toEqual([
      [0, 'queued', null],
      [1, 'done', 0.3],
      [2, 'queued', null],
    ]);
    apply({
      type: 'progress',
      progress: { done: 1, running: 0, total: 3, costDone: 3, costTotal: 9, elapsedMs: 100, etaMs: 200 },
    });
    expect(record.progress?.etaMs).toBe(200);
    expect(record.trials).toHaveLength(3);
  });
});
