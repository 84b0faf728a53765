/**
 * Adamax — torch.optim.Adamax (Adam with the infinity norm).
 *
 *   g ← ∇f(θ) + λθ
 *   m ← β₁·m + (1 − β₁)·g
 *   u ← max(β₂·u, |g| + ε)
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / u
 *
 * Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7.1.
 */
import { ADAM_PAPER } from './adam';
import { betaMeta, decayedGrad, defineOptimizer, epsMeta, latexRows, lrMeta, weightDecayMeta } from './define';

export const adamax = defineOptimizer({
  name: 'adamax',
  label: 'Adamax',
  description: 'Adam with the infinity norm in place of the RMS',
  paper: ADAM_PAPER,
  torch: 'torch.optim.Adamax',
  latex: latexRows(
    'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
    'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t',
    'u_t &= \\max(\\beta_2 u_{t-1},\\ |g_t| + \\epsilon)',
    '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1-\\beta_1^t}\\, \\frac{m_t}{u_t}',
  ),
  hyper: [
    lrMeta(2e-3),
    betaMeta('beta1', 0.9, 'decay of the gradient average'),
    betaMeta('beta2', 0.999, 'decay of the infinity norm'),
    epsMeta(1e-8),
    weightDecayMeta(),
  ],
  rule: (ctx) => ({
    slots: [{ name: 'm' }, { name: 'u' }],
    scalars: {
      beta1: ctx.h.beta1,
      oneMinusBeta1: ctx.map((b) => 1 - b, ctx.h.beta1),
      beta2: ctx.h.beta2,
      eps: ctx.h.eps,
      weightDecay: ctx.h.weightDecay,
      stepSize: ctx.map((lr, b) => lr / (1 - b ** ctx.t), ctx.lr, ctx.h.beta1),
    },
    lets: [decayedGrad(ctx), ['m', '$beta1 * @m + $oneMinusBeta1 * gd'], ['u', 'max($beta2 * @u, abs(gd) + $eps)']],
    next: { m: 'm', u: 'u' },
    param: 'p - $stepSize * (m / u)',
  }),
});
