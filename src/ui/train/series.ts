/** Series helpers for the training charts: TensorBoard-style smoothing and mean ± spread over seeds. */

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = w·s_{t−1} + (1 − w)·x_t, divided by
 * 1 − w^(t+1) so the start is not pulled toward zero. w = 0 returns the series; NaN/∞ pass through.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

export interface Band {
  mean: number[];
  lo: number[];
  hi: number[];
}

/**
 * Mean and mean ± one standard deviation (sample, n − 1) across seeds, point by point, over the
 * points every seed has.
 */
export function seedBand(series: readonly (readonly number[])[]): Band {
  const n = Math.min(...series.map((s) => s.length));
  const mean: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const k = series.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const s of series) sum += s[i];
    const m = sum / k;
    let sq = 0;
    for (const s of series) sq += (s[i] - m) ** 2;
    const sd = k > 1 ? Math.sqrt(sq / (k - 1)) : 0;
    mean.push(m);
    lo.push(m - sd);
    hi.push(m + sd);
  }
  return { mean, lo, hi };
}
