/** How far computed values are from expected ones, as the checks and tests measure it. */

/** Max of |a − b| / max(1, |b|) over two equally long arrays (NaN counts as infinitely wrong). */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  }
  return worst;
}

/**
 * As maxRelError, where a NaN is right exactly where the expected value is NaN too (a diverged model
 * must stay diverged), and equal infinities agree; `keep` picks the indices compared (default all).
 */
export function maxRelErrorNaN(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  keep?: (i: number) => boolean,
): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    if (keep && !keep(i)) continue;
    const [a, b] = [actual[i], expected[i]];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
      continue;
    }
    if (a === b) continue;
    const err = Math.abs(a - b) / Math.max(1, Math.abs(b));
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  }
  return worst;
}
