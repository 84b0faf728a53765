import { describe, expect, it } from 'vitest';
import { randomCreate } from '../random';
import { expectedImprovement, gpCondition, gpFit, maternKernel, normalCdf } from './gp';
import { bayesPropose, hyperbandBrackets, randomPoint, successiveHalvingRungs } from './strategies';

describe('Gaussian process', () => {
  // expected values: scripts/make_gp_fixture.py (numpy with an explicit inverse, not a Cholesky solve)
  const hyper = { lengthscales: [0.8], signal: 1.5, noise: 0.01 };
  const X = [[0], [1], [2.5]];
  const y = [1, -1, 0.5];

  it('Matérn 5/2 kernel by hand: r = 1, ℓ = 1, σ_f² = 1 gives (1 + √5 + 5/3)·e^(−√5)', () => {
    expect(maternKernel([0], [1], { lengthscales: [1], signal: 1, noise: 0 })).toBeCloseTo(
      (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)),
      12,
    );
    expect(maternKernel([0.3, 0.2], [0.3, 0.2], { lengthscales: [1, 2], signal: 2.5, noise: 0 })).toBe(2.5);
  });

  it('posterior mean, variance and log marginal likelihood match an independent computation', () => {
    const gp = gpCondition(X, y, hyper)!;
    const a = gp.predict([0.25]);
    expect(a.mean).toBeCloseTo(0.5779095261426663, 6);
    expect(a.variance).toBeCloseTo(0.15201120573392046, 6);
    const b = gp.predict([1.7]);
    expect(b.mean).toBeCloseTo(-0.4703823566286126, 6);
    expect(b.variance).toBeCloseTo(0.6728976014446659, 6);
    expect(gp.logMarginal).toBeCloseTo(-4.545348277959593, 6);
  });

  it('with almost no noise the posterior interpolates the data; far away it returns to the prior', () => {
    const gp = gpCondition(X, y, { ...hyper, noise: 1e-8 })!;
    X.forEach((x, i) => {
      expect(gp.predict(x).mean).toBeCloseTo(y[i], 4);
      expect(gp.predict(x).variance).toBeLessThan(1e-4);
    });
    const far = gp.predict([100]);
    expect(far.mean).toBeCloseTo(0, 6);
    expect(far.variance).toBeCloseTo(1.5, 6);
  });

  it('fitting by marginal likelihood finds a long length scale for a smooth function and a short one for a wiggly one', () => {
    const xs = Array.from({ length: 15 }, (_, i) => [i / 14]);
    const smooth = gpFit(
      xs,
      xs.map(([x]) => x * x),
      randomCreate(1),
    );
    const wiggly = gpFit(
      xs,
      xs.map(([x]) => Math.sin(15 * x)),
      randomCreate(1),
    );
    expect(smooth.hyper.lengthscales[0]).toBeGreaterThan(3 * wiggly.hyper.lengthscales[0]);
    // predictions are in the units of y (it standardises internally)
    expect(smooth.predict([0.5]).mean).toBeCloseTo(0.25, 2);
  });
});

describe('Expected Improvement', () => {
  it('matches the closed form (f* − μ)Φ(z) + σφ(z)', () => {
    expect(expectedImprovement(0, 1, 0)).toBeCloseTo(0.3989422804014327, 6);
    expect(expectedImprovement(0.5, 2, 1)).toBeCloseTo(1.0726893964471604, 6);
    expect(expectedImprovement(2, 0.5, 1)).toBeCloseTo(0.004245351308414823, 6);
    expect(expectedImprovement(0.2, 0, 1)).toBeCloseTo(0.8, 12);
    expect(expectedImprovement(1.5, 0, 1)).toBe(0);
  });
  it('the normal CDF is accurate to 1e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 7);
  });
});

describe('Hyperband', () => {
  it('R = 81, η = 3 gives the table of Li et al. (2018), Table 1', () => {
    const table = hyperbandBrackets(81, 3).map((b) => b.map((r) => [r.n, r.r]));
    expect(table).toEqual([
      [
        [81, 1],
        [27, 3],
        [9, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [34, 3],
        [11, 9],
        [3, 27],
        [1, 81],
      ],
      [
        [15, 9],
        [5, 27],
        [1, 81],
      ],
      [
        [8, 27],
        [2, 81],
      ],
      [[5, 81]],
    ]);
  });
  it('successive halving keeps the best 1/η each rung, up to R', () => {
    expect(successiveHalvingRungs(27, 9, 3)).toEqual([
      { n: 27, r: 1 },
      { n: 9, r: 3 },
      { n: 3, r: 9 },
    ]);
    expect(successiveHalvingRungs(8, 4, 2)).toEqual([
      { n: 8, r: 1 },
      { n: 4, r: 2 },
      { n: 2, r: 4 },
    ]);
  });
});

describe('Bayesian optimisation against random search', () => {
  /** Branin on [−5, 10] × [0, 15]; global minimum 0.397887 */
  const branin = ([u, v]: number[]) => {
    const x = -5 + 15 * u;
    const y = 15 * v;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
  };

  it('finds a better Branin value with 30 trials, averaged over 10 seeds', () => {
    const budget = 30;
    const initial = 5;
    let bayesSum = 0;
    let randomSum = 0;
    for (let seed = 0; seed < 10; seed++) {
      const rng = randomCreate(seed);
      const rs = Array.from({ length: budget }, () => branin(randomPoint(rng, 2)));
      randomSum += Math.min(...rs);
      const brng = randomCreate(1000 + seed);
      const X = Array.from({ length: initial }, () => randomPoint(brng, 2));
      const y = X.map(branin);
      while (X.length < budget) {
        const [x] = bayesPropose(X, y, 1, brng);
        X.push(x);
        y.push(branin(x));
      }
      bayesSum += Math.min(...y);
    }
    const bayes = bayesSum / 10;
    const random = randomSum / 10;
    expect(bayes).toBeLessThan(random);
    // and it is close to the optimum (0.397887) on average
    expect(bayes).toBeLessThan(0.397887 + 0.25);
  });

  it('a batch proposal spreads out: no two points of a batch coincide', () => {
    const rng = randomCreate(3);
    const X = Array.from({ length: 6 }, () => randomPoint(rng, 2));
    const batch = bayesPropose(X, X.map(branin), 4, rng);
    for (let i = 0; i < batch.length; i++) {
      for (let j = 0; j < i; j++)
        expect(Math.hypot(batch[i][0] - batch[j][0], batch[i][1] - batch[j][1])).toBeGreaterThan(1e-3);
    }
  });
});
