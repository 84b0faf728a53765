import { describe, expect, it } from 'vitest';
import { lttb } from './lttb';

describe('lttb', () => {
  const n = 100_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((x) => Math.sin(x / 5000));
  ys[31_337] = 50; // one spike

  it('returns the threshold count, keeps the ends and the spike that striding would drop', () => {
    const out = lttb(xs, ys, 500);
    expect(out.x).toHaveLength(500);
    expect(out.x[0]).toBe(0);
    expect(out.x[499]).toBe(n - 1);
    expect(out.y).toContain(50);
    const strided = xs.filter((x) => x % 200 === 0).map((x) => ys[x]);
    expect(strided).not.toContain(50);
    for (let i = 1; i < out.x.length; i++) expect(out.x[i]).toBeGreaterThan(out.x[i - 1]);
  });

  it('leaves short series alone', () => {
    expect(lttb([1, 2, 3], [4, 5, 6], 10)).toEqual({ x: [1, 2, 3], y: [4, 5, 6] });
  });
});
