/** What a search will do and how it ranks trials, without tfjs (the search page shows the plan). */
import type { SearchSpec } from '../spec/searchSchema';
import { spaceGrid } from './space';
import { hyperbandBrackets, successiveHalvingRungs, type Rung } from './strategies';

/** The objective as a score to minimise. */
export function searchScore(objective: SearchSpec['objective'], value: number): number {
  return objective === 'testAccuracy' ? -value : value;
}

/** How many trials a spec will evaluate, and the epochs they will train in all. */
export function searchPlan(spec: SearchSpec): { trials: number; epochs: number; brackets?: Rung[][] } {
  const { strategy: s, base } = spec;
  if (s.name === 'sha' || s.name === 'hyperband') {
    const brackets =
      s.name === 'hyperband'
        ? hyperbandBrackets(s.maxEpochs, s.eta)
        : [successiveHalvingRungs(s.trials, s.maxEpochs, s.eta)];
    const rounded = brackets.map((b) => b.map((r) => ({ n: r.n, r: Math.max(1, Math.round(r.r)) })));
    return {
      trials: rounded.reduce((a, b) => a + b[0].n, 0),
      epochs: rounded.flat().reduce((a, r) => a + r.n * r.r, 0),
      brackets: rounded,
    };
  }
  const trials = s.name === 'grid' ? spaceGrid(spec.space, s.gridPoints).length : s.trials;
  return { trials, epochs: trials * base.training.epochs };
}
