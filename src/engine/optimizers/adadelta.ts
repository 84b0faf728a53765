/**
 * Adadelta — torch.optim.Adadelta.
 *
 *   g ← ∇f(θ) + λθ
 *   v ← ρ·v + (1 − ρ)·g²
 *   Δ ← √(u + ε) / √(v + ε) · g
 *   u ← ρ·u + (1 − ρ)·Δ²
 *   θ ← θ − η·Δ
 *
 * Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012. PyTorch keeps a learning rate η
 * (default 1.0) that scales Δ; the paper has none.
 */
import { decayedGrad, defineOptimizer, epsMeta, latexRows, lrMeta, weightDecayMeta } from './define';

export const adadelta = defineOptimizer({
  name: 'adadelta',
  label: 'Adadelta',
  description: 'Scales steps by the ratio of RMS of past updates to RMS of gradients',
  paper: {
    title: 'ADADELTA: An Adaptive Learning Rate Method',
    authors: 'Zeiler',
    year: 2012,
    url: 'https://arxiv.org/abs/1212.5701',
  },
  torch: 'torch.optim.Adadelta',
  latex: latexRows(
    'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
    'v_t &= \\rho v_{t-1} + (1-\\rho)\\, g_t^2',
    '\\Delta_t &= \\frac{\\sqrt{u_{t-1} + \\epsilon}}{\\sqrt{v_t + \\epsilon}}\\, g_t',
    'u_t &= \\rho u_{t-1} + (1-\\rho)\\, \\Delta_t^2',
    '\\theta_t &= \\theta_{t-1} - \\eta\\, \\Delta_t',
  ),
  hyper: [
    lrMeta(1.0),
    {
      kind: 'number',
      key: 'rho',
      label: 'rho',
      symbol: '\\rho',
      description: 'decay of the running averages',
      default: 0.9,
      min: 0,
      max: 0.9999,
      scale: 'linear',
    },
    epsMeta(1e-6),
    weightDecayMeta(),
  ],
  rule: (ctx) => ({
    slots: [{ name: 'squareAvg' }, { name: 'accDelta' }],
    scalars: {
      lr: ctx.lr,
      rho: ctx.h.rho,
      oneMinusRho: ctx.map((r) => 1 - r, ctx.h.rho),
      eps: ctx.h.eps,
      weightDecay: ctx.h.weightDecay,
    },
    lets: [
      decayedGrad(ctx),
      ['sq', '$rho * @squareAvg + $oneMinusRho * (gd * gd)'],
      ['delta', 'sqrt(@accDelta + $eps) / sqrt(sq + $eps) * gd'],
    ],
    next: { squareAvg: 'sq', accDelta: '$rho * @accDelta + $oneMinusRho * (delta * delta)' },
    param: 'p - $lr * delta',
  }),
});
