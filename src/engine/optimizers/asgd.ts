/**
 * ASGD — torch.optim.ASGD (averaged SGD): SGD with a decaying step and a running average of the
 * iterates that starts at step t₀; the average, not the last point, is the estimate with the better
 * guarantee, so it is kept as a state tensor and shown beside the path.
 *
 *   g ← ∇f(θ) + λ_wd·θ
 *   θ ← θ·(1 − λ·ηₜ) − ηₜ·g
 *   θ̄ ← θ̄ + μₜ·(θ − θ̄)            (θ̄ ← θ while μₜ = 1)
 *   ηₜ₊₁ = η / (1 + λ·η·t)^α,   μₜ₊₁ = 1 / max(1, t − t₀)
 *
 * Polyak & Juditsky, "Acceleration of Stochastic Approximation by Averaging", SIAM J. Control
 * Optim. 1992. ηₜ and μₜ are per-row numbers kept in JavaScript, as torch keeps them in 0-d tensors.
 */
import { decayedGrad, defineOptimizer, latexRows, lrMeta, weightDecayMeta, type RowValue } from './define';

export const asgd = defineOptimizer<{ eta: RowValue | null; mu: RowValue }>({
  name: 'asgd',
  label: 'ASGD',
  description: 'SGD with a decaying step and a running average of the iterates from step t₀ on',
  paper: {
    title: 'Acceleration of Stochastic Approximation by Averaging',
    authors: 'Polyak & Juditsky',
    year: 1992,
    url: 'https://doi.org/10.1137/0330046',
  },
  torch: 'torch.optim.ASGD',
  latex: latexRows(
    '\\theta_t &= \\theta_{t-1}(1 - \\lambda\\eta_t) - \\eta_t\\, g_t, \\quad \\eta_{t+1} = \\eta / (1 + \\lambda\\eta t)^{\\alpha}',
    '\\bar\\theta_t &= \\bar\\theta_{t-1} + \\mu_t(\\theta_t - \\bar\\theta_{t-1}), \\quad \\mu_{t+1} = 1/\\max(1,\\, t - t_0)',
  ),
  hyper: [
    lrMeta(1e-2),
    {
      kind: 'number',
      key: 'lambd',
      label: 'decay term',
      symbol: '\\lambda',
      description: 'how fast the step decays (and θ is shrunk)',
      default: 1e-4,
      min: 0,
      max: 1,
      scale: 'linear',
    },
    {
      kind: 'number',
      key: 'alpha',
      label: 'power',
      symbol: '\\alpha',
      description: 'power of the step’s decay',
      default: 0.75,
      min: 0,
      max: 2,
      scale: 'linear',
    },
    {
      kind: 'number',
      key: 't0',
      label: 'averaging start',
      symbol: 't_0',
      description: 'the step after which the average θ̄ starts to lag θ',
      default: 1e6,
      min: 0,
      max: 1e6,
      scale: 'linear',
    },
    { ...weightDecayMeta(), symbol: '\\lambda_{wd}' },
  ],
  averaged: {
    slot: 'ax',
    label: 'average θ̄',
    description: 'the running average of the iterates; it equals θ until step t₀, then lags behind it',
  },
  init: () => ({ eta: null, mu: 1 }),
  rule: (ctx, state) => {
    const { h, t } = ctx;
    // torch: η starts at the learning rate of the first step, μ at 1
    const eta = state.eta ?? ctx.lr;
    const mu = state.mu;
    state.eta = ctx.map((lr, l, a) => lr / (1 + l * lr * t) ** a, ctx.lr, h.lambd, h.alpha);
    state.mu = ctx.map((t0) => 1 / Math.max(1, t - t0), h.t0);
    return {
      slots: [{ name: 'ax' }],
      scalars: {
        eta,
        mu,
        weightDecay: h.weightDecay,
        shrink: ctx.map((l, e) => 1 - l * e, h.lambd, eta),
      },
      lets: [decayedGrad(ctx), ['pn', 'p * $shrink - $eta * gd']],
      next: { ax: '@ax + (pn - @ax) * $mu' },
      param: 'pn',
    };
  },
});
