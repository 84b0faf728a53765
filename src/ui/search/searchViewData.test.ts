import { logTicks } from '../charts/ticks';
import { describe, expect, it } from 'vitest';
import type { SearchTrial } from '../../engine/search/runSearch';
import type { SearchSpec } from '../../engine/spec/searchSchema';
import { DIVERGED_COLOR, INVALID_COLOR, bestShare, bestSoFar, finiteRange, trialColor } from './searchViewData';

const spec = (objective: SearchSpec['objective']) => ({ objective }) as SearchSpec;
const trial = (id: number, value: number | null, status: SearchTrial['status'] = 'done'): SearchTrial => ({
  id,
  params: {},
  status,
  epochs: 3,
  value,
  curve: [],
  steps: [],
  done: id + 1,
});

describe('search view data', () => {
  const trials = [trial(0, 0.5), trial(1, 0.2), trial(2, null, 'diverged'), trial(3, 0.9), trial(4, null, 'failed')];

  it('the best k % are the lowest losses, or the highest accuracies', () => {
    expect(bestShare(spec('testLoss'), trials, 50).map((t) => t.id)).toEqual([1, 0]);
    expect(bestShare(spec('testAccuracy'), trials, 34).map((t) => t.id)).toEqual([3, 0]);
    expect(bestShare(spec('testLoss'), trials, 100)).toHaveLength(5);
  });

  it('diverged trials are red and invalid ones grey; the best finished trial is the brightest', () => {
    const color = trialColor(spec('testLoss'), trials);
    expect(color(trials[2])).toBe(DIVERGED_COLOR);
    expect(color(trials[4])).toBe(INVALID_COLOR);
    const lum = (c: string) => [1, 3, 5].reduce((a, i) => a + parseInt(c.slice(i, i + 2), 16), 0);
    expect(lum(color(trials[1]))).toBeGreaterThan(lum(color(trials[0])));
    expect(lum(color(trials[0]))).toBeGreaterThan(lum(color(trials[3])));
  });

  it('ranges ignore diverged (null or infinite) values and never pad a loss below 0', () => {
    expect(finiteRange([0.2, null, Infinity, 0.4])).toEqual([expect.closeTo(0.19, 12), expect.closeTo(0.41, 12)]);
    expect(finiteRange([0.001, 0.5])![0]).toBe(0);
    expect(finiteRange([null])).toBeNull();
  });

  it('the best so far only improves, skipping diverged evaluations', () => {
    expect(
      bestSoFar(spec('testLoss'), [
        { value: 0.5, cost: 3 },
        { value: null, cost: 6 },
        { value: 0.7, cost: 9 },
        { value: 0.1, cost: 12 },
      ]).map((p) => p.best),
    ).toEqual([0.5, 0.5, 0.5, 0.1]);
    expect(
      bestSoFar(spec('testAccuracy'), [
        { value: 0.5, cost: 3 },
        { value: 0.9, cost: 6 },
        { value: 0.7, cost: 9 },
      ]).map((p) => p.best),
    ).toEqual([0.5, 0.9, 0.9]);
  });

  it('log ticks are the powers of ten in range', () => {
    expect(logTicks(1e-4, 1)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1].map((v) => expect.closeTo(v, 15)));
    expect(logTicks(2, 8)).toEqual([2, 8]);
  });
});
