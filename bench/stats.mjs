// Shared by the benchmark scripts: every figure they report is a median of repeated runs.

/** The median; for an even count, the mean of the two middle values. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
