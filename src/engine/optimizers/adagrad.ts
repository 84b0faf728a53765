/**
 * Adagrad — torch.optim.Adagrad.
 *
 *   g ← ∇f(θ) + λθ
 *   η̃ ← η / (1 + (t − 1)·δ)          (lrDecay δ)
 *   s ← s + g²                       (s starts at initialAccumulatorValue)
 *   θ ← θ − η̃ · g / (√s + ε)
 *
 * Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", JMLR 2011.
 */
import { decayedGrad, defineOptimizer, epsMeta, latexRows, lrMeta, weightDecayMeta } from './define';

export const adagrad = defineOptimizer({
  name: 'adagrad',
  label: 'Adagrad',
  description: 'Per-coordinate steps that shrink with the sum of squared gradients',
  paper: {
    title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization',
    authors: 'Duchi, Hazan & Singer',
    year: 2011,
    url: 'https://jmlr.org/papers/v12/duchi11a.html',
  },
  torch: 'torch.optim.Adagrad',
  latex: latexRows(
    'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
    's_t &= s_{t-1} + g_t^2, \\quad s_0 = s_{\\text{init}}',
    '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1 + (t-1)\\delta}\\, \\frac{g_t}{\\sqrt{s_t} + \\epsilon}',
  ),
  hyper: [
    lrMeta(1e-2),
    {
      kind: 'number',
      key: 'lrDecay',
      label: 'lr decay',
      symbol: '\\delta',
      description: 'learning-rate decay per step',
      default: 0,
      min: 0,
      max: 1,
      scale: 'linear',
    },
    weightDecayMeta(),
    {
      kind: 'number',
      key: 'initialAccumulatorValue',
      label: 'initial accumulator',
      symbol: 's_{\\text{init}}',
      description: 'starting value of the sum of squares',
      default: 0,
      min: 0,
      max: 10,
      scale: 'linear',
    },
    epsMeta(1e-10),
  ],
  rule: (ctx) => ({
    slots: [{ name: 'sum', init: ctx.h.initialAccumulatorValue }],
    scalars: {
      decayed: ctx.map((lr, d) => lr / (1 + (ctx.t - 1) * d), ctx.lr, ctx.h.lrDecay),
      eps: ctx.h.eps,
      weightDecay: ctx.h.weightDecay,
    },
    lets: [decayedGrad(ctx), ['sum', '@sum + gd * gd']],
    next: { sum: 'sum' },
    param: 'p - $decayed * (gd / (sqrt(sum) + $eps))',
  }),
});
