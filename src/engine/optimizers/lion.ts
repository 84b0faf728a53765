/**
 * Lion — EvoLved Sign Momentum (Chen et al. 2023): the update is the sign of an interpolation of the
 * momentum and the gradient, so every coordinate moves by exactly η; the momentum is then updated
 * with a second, slower rate. Weight decay is decoupled, as in AdamW.
 *
 *   c ← β₁·m + (1 − β₁)·g
 *   θ ← θ·(1 − η·λ) − η·sign(c)
 *   m ← β₂·m + (1 − β₂)·g
 *
 * Chen, Liang, Huang, Real, Wang, Liu, Pham, Dong, Luong, Hsieh, Lu & Le, "Symbolic Discovery of
 * Optimization Algorithms", NeurIPS 2023 (Program 1). Not in torch.optim: checked against the paper's
 * pseudo-code written in torch in scripts/make_torch_fixtures.py. Its η is 3–10× smaller than AdamW's.
 */
import { betaMeta, defineOptimizer, latexRows, lrMeta, weightDecayMeta } from './define';

export const lion = defineOptimizer({
  name: 'lion',
  label: 'Lion',
  description: 'Sign of the interpolated momentum: every coordinate moves by η; decoupled weight decay',
  paper: {
    title: 'Symbolic Discovery of Optimization Algorithms',
    authors: 'Chen, Liang, Huang, Real et al.',
    year: 2023,
    url: 'https://arxiv.org/abs/2302.06675',
  },
  torch: 'none (the paper’s Program 1; lion-pytorch)',
  latex: latexRows(
    'c_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t',
    '\\theta_t &= \\theta_{t-1}(1 - \\eta\\lambda) - \\eta\\, \\operatorname{sign}(c_t)',
    'm_t &= \\beta_2 m_{t-1} + (1-\\beta_2)\\, g_t',
  ),
  hyper: [
    lrMeta(1e-4),
    betaMeta('beta1', 0.9, 'how much of the momentum the update’s sign reads'),
    betaMeta('beta2', 0.99, 'decay of the momentum itself'),
    { ...weightDecayMeta(0), description: 'decoupled decay: θ shrinks by η·λ each step' },
  ],
  rule: (ctx) => {
    const { h } = ctx;
    const shrink = ctx.nonzero(h.weightDecay);
    return {
      slots: [{ name: 'm' }],
      scalars: {
        lr: ctx.lr,
        beta1: h.beta1,
        oneMinusBeta1: ctx.map((b) => 1 - b, h.beta1),
        beta2: h.beta2,
        oneMinusBeta2: ctx.map((b) => 1 - b, h.beta2),
        shrink: ctx.map((lr, wd) => 1 - lr * wd, ctx.lr, h.weightDecay),
      },
      lets: [
        ['c', '$beta1 * @m + $oneMinusBeta1 * g'],
        ['m', '$beta2 * @m + $oneMinusBeta2 * g'],
      ],
      next: { m: 'm' },
      param: `${shrink ? 'p * $shrink' : 'p'} - $lr * sign(c)`,
    };
  },
});
