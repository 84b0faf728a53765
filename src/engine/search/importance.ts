/**
 * Parameter importance from the trials alone (no extra training): for each parameter, the
 * correlation ratio η² = Σ_b n_b (ȳ_b − ȳ)² / Σ_i (y_i − ȳ)² of the score y over bins of that
 * parameter (equal-count bins on its scale; a choice bins by value). η² is the share of the
 * score's variance explained by that parameter alone (a first-order, main-effect measure like
 * fANOVA's, but without a surrogate model): 0 means the score does not depend on it, 1 that it
 * determines the score. With few trials it is noisy; the lab says so.
 */
import { paramEncode, type SearchParam } from './space';

export interface ParamImportance {
  param: string;
  /** η² in [0, 1] */
  eta2: number;
  bins: number;
}

export function searchImportance(
  space: SearchParam[],
  points: { params: Record<string, number>; score: number }[],
): ParamImportance[] {
  const n = points.length;
  if (n < 3) return space.map((p) => ({ param: p.param, eta2: 0, bins: 0 }));
  const mean = points.reduce((a, p) => a + p.score, 0) / n;
  const total = points.reduce((a, p) => a + (p.score - mean) ** 2, 0);
  return space.map((p) => {
    const sorted = points.map((q) => ({ u: paramEncode(p, q.params[p.param]), y: q.score })).sort((a, b) => a.u - b.u);
    const groups: number[][] = [];
    if (p.values) {
      for (const q of sorted) {
        const last = groups[groups.length - 1];
        if (last && sorted[sorted.indexOf(q) - 1]?.u === q.u) last.push(q.y);
        else groups.push([q.y]);
      }
    } else {
      const bins = Math.max(2, Math.min(5, Math.floor(n / 3)));
      for (let b = 0; b < bins; b++)
        groups.push(sorted.slice(Math.round((b * n) / bins), Math.round(((b + 1) * n) / bins)).map((q) => q.y));
    }
    const between = groups
      .filter((g) => g.length)
      .reduce((a, g) => a + g.length * (g.reduce((s, y) => s + y, 0) / g.length - mean) ** 2, 0);
    return { param: p.param, eta2: total > 0 ? between / total : 0, bins: groups.length };
  });
}
