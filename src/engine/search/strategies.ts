/**
 * How each strategy chooses configurations, in the unit cube of the search space (no tensors):
 * random points, Bayesian proposals (GP + Expected Improvement, a batch at a time by the "kriging
 * believer" heuristic), and the bracket schedule of Hyperband / successive halving.
 */
import type { Rng } from '../random';
import { expectedImprovement, gpFit } from './gp';

export function randomPoint(rng: Rng, d: number): number[] {
  return Array.from({ length: d }, () => rng.uniform());
}

export interface Rung {
  /** configurations evaluated in this rung */
  n: number;
  /** resource (epochs) each is trained for */
  r: number;
}

/**
 * Hyperband's brackets (Li et al. 2018, Algorithm 1) for maximum resource R and halving rate η:
 * s_max = ⌊log_η R⌋, B = (s_max + 1) R; bracket s starts n = ⌈(B/R) η^s / (s + 1)⌉ configurations
 * at r = R η^(−s); rung i keeps n_i = ⌊n η^(−i)⌋ of them, each trained for r_i = r η^i.
 * Brackets are listed from the most aggressive (s = s_max) to plain random search (s = 0).
 */
export function hyperbandBrackets(R: number, eta: number): Rung[][] {
  const sMax = Math.floor(Math.log(R) / Math.log(eta) + 1e-9);
  const B = (sMax + 1) * R;
  const brackets: Rung[][] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((B / R) * eta ** s) / (s + 1));
    const r = R * eta ** -s;
    brackets.push(Array.from({ length: s + 1 }, (_, i) => ({ n: Math.floor(n * eta ** -i), r: r * eta ** i })));
  }
  return brackets;
}

/**
 * Successive halving (Jamieson & Talwalkar 2016) as one bracket: n configurations start at
 * R η^(−s_max) epochs; each rung keeps the best 1/η and trains them η times longer, up to R.
 */
export function successiveHalvingRungs(n: number, R: number, eta: number): Rung[] {
  const sMax = Math.floor(Math.log(R) / Math.log(eta) + 1e-9);
  const rungs: Rung[] = [];
  for (let i = 0; i <= sMax; i++) {
    const ni = Math.floor(n * eta ** -i);
    if (ni < 1) break;
    rungs.push({ n: ni, r: R * eta ** (i - sMax) });
  }
  return rungs;
}

/** Candidates scored for EI: random points, plus local moves around the best points found so far. */
const CANDIDATES = 1500;
const LOCAL = 300;

/**
 * Proposes `count` points to evaluate next, for minimising y. Fits a GP (Matérn 5/2, hyperparameters
 * by marginal likelihood) to (X, y), maximises EI over candidates, then pretends the GP's mean was
 * observed there (kriging believer) and repeats, so a batch spreads out instead of repeating a point.
 */
export function bayesPropose(X: number[][], y: number[], count: number, rng: Rng, xi = 0.01): number[][] {
  const d = X[0].length;
  const xs = X.map((x) => [...x]);
  const ys = [...y];
  const out: number[][] = [];
  const gp0 = gpFit(xs, ys, rng);
  for (let q = 0; q < count; q++) {
    const gp = q === 0 ? gp0 : gpFit(xs, ys, rng, 0);
    const best = Math.min(...ys);
    const scale = Math.sqrt(gp.hyper.signal);
    const ei = (x: number[]) => {
      const p = gp.predict(x);
      return expectedImprovement(p.mean, Math.sqrt(p.variance), best, xi * scale);
    };
    let bestX = randomPoint(rng, d);
    let bestEi = ei(bestX);
    const consider = (x: number[]) => {
      const v = ei(x);
      if (v > bestEi) [bestX, bestEi] = [x, v];
    };
    for (let i = 0; i < CANDIDATES; i++) consider(randomPoint(rng, d));
    const top = xs
      .map((x, i) => ({ x, y: ys[i] }))
      .sort((a, b) => a.y - b.y)
      .slice(0, 5)
      .map((p) => p.x);
    for (let i = 0; i < LOCAL; i++) {
      const base = i % 2 === 0 ? bestX : top[i % top.length];
      const width = 0.1 * 0.5 ** (i % 4);
      consider(base.map((v) => Math.min(1, Math.max(0, v + width * rng.normal()))));
    }
    out.push(bestX);
    xs.push(bestX);
    ys.push(gp.predict(bestX).mean);
  }
  return out;
}
