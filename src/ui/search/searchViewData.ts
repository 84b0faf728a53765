/** Plain data for the search lab's views (no React, no tensors): scores, colours, filters, axes. */
import { interpolateViridis } from 'd3-scale-chromatic';
import { searchScore } from '../../engine/search/plan';
import type { SearchTrial } from '../../engine/search/runSearch';
import { paramEncode, type SearchParam } from '../../engine/search/space';
import type { SearchSpec } from '../../engine/spec/searchSchema';

export const DIVERGED_COLOR = '#dc2626';
export const INVALID_COLOR = '#94a3b8';

/** Trials with a value (finished, pruned or stopped), as scores to minimise. */
export function scored(spec: SearchSpec, trials: SearchTrial[]): { trial: SearchTrial; score: number }[] {
  return trials
    .filter((t) => t.value !== null && t.status !== 'running' && t.status !== 'queued')
    .map((trial) => ({ trial, score: searchScore(spec.objective, trial.value!) }));
}

/** The best `percent` % of the scored trials (at least one), and every trial when percent is 100. */
export function bestShare(spec: SearchSpec, trials: SearchTrial[], percent: number): SearchTrial[] {
  if (percent >= 100) return trials;
  const s = scored(spec, trials).sort((a, b) => a.score - b.score);
  return s.slice(0, Math.max(1, Math.ceil((s.length * percent) / 100))).map((x) => x.trial);
}

/** Colour of a trial: viridis by score (bright = best), red when it diverged, grey when it could not run. */
export function trialColor(spec: SearchSpec, trials: SearchTrial[]): (t: SearchTrial) => string {
  const s = scored(spec, trials).map((x) => x.score);
  const lo = Math.min(...s);
  const hi = Math.max(...s);
  return (t) => {
    if (t.status === 'diverged') return DIVERGED_COLOR;
    if (t.value === null) return INVALID_COLOR;
    const score = searchScore(spec.objective, t.value);
    return interpolateViridis(hi > lo ? 0.15 + 0.85 * (1 - (score - lo) / (hi - lo)) : 0.6);
  };
}

/** Best score so far after each finished evaluation, in the objective's units. */
export function bestSoFar(
  spec: SearchSpec,
  evaluations: { value: number | null; cost: number }[],
): { n: number; cost: number; best: number | null }[] {
  let best: number | null = null;
  return evaluations.map((e, i) => {
    if (e.value !== null && (best === null || searchScore(spec.objective, e.value) < searchScore(spec.objective, best)))
      best = e.value;
    return { n: i + 1, cost: e.cost, best };
  });
}

/** A value as the tables and axes show it. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

export function paramLabel(param: string): string {
  return param.replace(/^(optimizer|schedule|training|model)\./, '');
}

export function objectiveLabel(objective: SearchSpec['objective']): string {
  return objective === 'testLoss' ? 'test loss' : objective === 'trainLoss' ? 'train loss' : 'test accuracy';
}

/** Position of a value on a parameter's axis, 0..1 (log where the scale is log). */
export function axisPosition(p: SearchParam, v: number): number {
  return paramEncode(p, v);
}

/** Range of finite values, padded; diverged trials never stretch it. */
export function finiteRange(values: (number | null)[]): [number, number] | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return null;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = hi > lo ? 0.05 * (hi - lo) : Math.abs(lo) * 0.05 || 0.05;
  // losses and accuracies are never negative: do not pad below 0
  return [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
}
