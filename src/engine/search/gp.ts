/**
 * Gaussian-process regression for Bayesian optimisation, in plain TypeScript with ml-matrix's
 * Cholesky decomposition (a few dozen points: no GPU needed).
 *
 * Kernel: Matérn 5/2 with one length scale per dimension (ARD),
 *   k(a, b) = σ_f² (1 + √5 r + 5r²/3) exp(−√5 r),  r² = Σ_i ((a_i − b_i) / ℓ_i)²,
 * plus σ_n² on the diagonal. Posterior (Rasmussen & Williams 2006, Algorithm 2.1):
 *   L = chol(K + σ_n² I), α = Lᵀ \ (L \ y), μ(x) = k(x)ᵀ α, v = L \ k(x), σ²(x) = k(x, x) − vᵀv,
 *   log p(y | X) = −½ yᵀα − Σ log L_ii − (n/2) log 2π.
 * `gpFit` standardises y and chooses ℓ, σ_f², σ_n² by maximising that marginal likelihood.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '../random';

export interface GpHyper {
  lengthscales: number[];
  /** σ_f², the signal variance */
  signal: number;
  /** σ_n², the noise variance */
  noise: number;
}

export interface GpPosterior {
  mean: number;
  variance: number;
}

export interface Gp {
  hyper: GpHyper;
  logMarginal: number;
  predict(x: number[]): GpPosterior;
}

export function maternKernel(a: number[], b: number[], h: GpHyper): number {
  let r2 = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] - b[i]) / h.lengthscales[i];
    r2 += d * d;
  }
  const s = Math.sqrt(5 * r2);
  return h.signal * (1 + s + (5 * r2) / 3) * Math.exp(-s);
}

/** Conditions a zero-mean GP with fixed hyperparameters on (X, y); null if K is not positive definite. */
export function gpCondition(X: number[][], y: number[], h: GpHyper): Gp | null {
  const n = X.length;
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = maternKernel(X[i], X[j], h) + (i === j ? h.noise + 1e-10 : 0);
      K.set(i, j, v);
      K.set(j, i, v);
    }
  }
  const chol = new CholeskyDecomposition(K);
  if (!chol.isPositiveDefinite()) return null;
  const L = chol.lowerTriangularMatrix;
  const alpha = chol.solve(Matrix.columnVector(y)).getColumn(0);
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(L.get(i, i));
  const fit = y.reduce((s, yi, i) => s + yi * alpha[i], 0);
  const logMarginal = -0.5 * fit - logDet - (n / 2) * Math.log(2 * Math.PI);
  return {
    hyper: h,
    logMarginal,
    predict(x) {
      const k = X.map((xi) => maternKernel(x, xi, h));
      const mean = k.reduce((s, ki, i) => s + ki * alpha[i], 0);
      // v = L \ k by forward substitution
      const v = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        let s = k[i];
        for (let j = 0; j < i; j++) s -= L.get(i, j) * v[j];
        v[i] = s / L.get(i, i);
      }
      const variance = h.signal - v.reduce((s, vi) => s + vi * vi, 0);
      return { mean, variance: Math.max(variance, 1e-12) };
    },
  };
}

/** Search box for the hyperparameters, in log space (inputs in [0, 1], y standardised). */
const BOUNDS = {
  lengthscale: [Math.log(0.03), Math.log(3)],
  signal: [Math.log(0.05), Math.log(20)],
  noise: [Math.log(1e-6), Math.log(0.5)],
} as const;

function hyperFrom(theta: number[], d: number): GpHyper {
  return { lengthscales: theta.slice(0, d).map(Math.exp), signal: Math.exp(theta[d]), noise: Math.exp(theta[d + 1]) };
}

/**
 * Fits a GP to (X, y): y is standardised, then ℓ (per dimension), σ_f² and σ_n² maximise the log
 * marginal likelihood (seeded random starts, then a coordinate pattern search from the best).
 * Predictions are in the units of y.
 */
export function gpFit(X: number[][], y: number[], rng: Rng, starts = 48): Gp {
  const n = y.length;
  const d = X[0].length;
  const mu = y.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mu) ** 2, 0) / n) || 1;
  const z = y.map((v) => (v - mu) / sd);
  const lo = [...new Array<number>(d).fill(BOUNDS.lengthscale[0]), BOUNDS.signal[0], BOUNDS.noise[0]];
  const hi = [...new Array<number>(d).fill(BOUNDS.lengthscale[1]), BOUNDS.signal[1], BOUNDS.noise[1]];
  const score = (theta: number[]) => gpCondition(X, z, hyperFrom(theta, d))?.logMarginal ?? -Infinity;
  let best = [...new Array<number>(d).fill(Math.log(0.3)), 0, Math.log(1e-3)];
  let bestScore = score(best);
  for (let s = 0; s < starts; s++) {
    const theta = lo.map((l, i) => l + rng.uniform() * (hi[i] - l));
    const v = score(theta);
    if (v > bestScore) [best, bestScore] = [theta, v];
  }
  for (let step = 1; step >= 0.05; step /= 2) {
    let improved = true;
    while (improved) {
      improved = false;
      for (let i = 0; i < best.length; i++) {
        for (const dir of [1, -1]) {
          const theta = [...best];
          theta[i] = Math.min(hi[i], Math.max(lo[i], theta[i] + dir * step));
          const v = score(theta);
          if (v > bestScore + 1e-9) {
            [best, bestScore] = [theta, v];
            improved = true;
          }
        }
      }
    }
  }
  const gp = gpCondition(X, z, hyperFrom(best, d))!;
  return {
    hyper: gp.hyper,
    logMarginal: gp.logMarginal,
    predict(x) {
      const p = gp.predict(x);
      return { mean: mu + sd * p.mean, variance: sd * sd * p.variance };
    },
  };
}

/** Standard normal density and distribution (erfc: Numerical Recipes' Chebyshev fit `erfcc`, relative error < 1.2e-7). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Expected Improvement for minimisation (Jones et al. 1998):
 *   EI = (f* − μ − ξ) Φ(z) + σ φ(z),  z = (f* − μ − ξ) / σ;  max(f* − μ − ξ, 0) when σ = 0.
 */
export function expectedImprovement(mean: number, sd: number, best: number, xi = 0): number {
  const gain = best - mean - xi;
  if (!(sd > 0)) return Math.max(gain, 0);
  const z = gain / sd;
  return gain * normalCdf(z) + sd * normalPdf(z);
}
