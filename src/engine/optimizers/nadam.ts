/**
 * NAdam — torch.optim.NAdam (Adam with Nesterov momentum and momentum decay ψ).
 *
 *   g ← ∇f(θ) + λθ
 *   μₜ ← β₁·(1 − ½·0.96^(t·ψ)),   μₜ₊₁ ← β₁·(1 − ½·0.96^((t+1)·ψ)),   Πₜ ← Πₜ₋₁·μₜ
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²,   d ← √(v / (1 − β₂ᵗ)) + ε
 *   θ ← θ − η·(1 − μₜ)/(1 − Πₜ) · g/d − η·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
 *
 * Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop. Torch 1.13's single-tensor
 * path counts μₜ twice in Πₜ₊₁ (fixed upstream in pytorch/pytorch#92699); this is the fixed rule.
 */
import {
  betaMeta,
  decayedGrad,
  defineOptimizer,
  epsMeta,
  latexRows,
  lrMeta,
  weightDecayMeta,
  type RowValue,
} from './define';

export const nadam = defineOptimizer<{ product: RowValue }>({
  name: 'nadam',
  label: 'NAdam',
  description: 'Adam with Nesterov momentum and a warming momentum schedule',
  paper: {
    title: 'Incorporating Nesterov Momentum into Adam',
    authors: 'Dozat',
    year: 2016,
    url: 'https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ',
  },
  torch: 'torch.optim.NAdam',
  latex: latexRows(
    '\\mu_t &= \\beta_1\\big(1 - \\tfrac12\\, 0.96^{t\\psi}\\big)',
    'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t, \\quad v_t = \\beta_2 v_{t-1} + (1-\\beta_2)\\, g_t^2',
    '\\theta_t &= \\theta_{t-1} - \\eta \\Big(\\frac{1-\\mu_t}{1-\\prod_{i\\le t}\\mu_i}\\, g_t + \\frac{\\mu_{t+1}}{1-\\prod_{i\\le t+1}\\mu_i}\\, m_t\\Big) \\Big/ \\Big(\\sqrt{\\tfrac{v_t}{1-\\beta_2^t}} + \\epsilon\\Big)',
  ),
  hyper: [
    lrMeta(2e-3),
    betaMeta('beta1', 0.9, 'decay of the gradient average'),
    betaMeta('beta2', 0.999, 'decay of the squared-gradient average'),
    epsMeta(1e-8),
    weightDecayMeta(),
    {
      kind: 'number',
      key: 'momentumDecay',
      label: 'momentum decay',
      symbol: '\\psi',
      description: 'how fast μ warms up to β₁',
      default: 4e-3,
      min: 0,
      max: 0.1,
      scale: 'linear',
    },
  ],
  // Πₜ per row, a product of scalars kept in JavaScript as torch keeps it in a 0-d tensor
  init: () => ({ product: 1 }),
  rule: (ctx, state) => {
    const { h, t } = ctx;
    const mu = (step: number) => ctx.map((b, psi) => b * (1 - 0.5 * 0.96 ** (step * psi)), h.beta1, h.momentumDecay);
    const muT = mu(t);
    const muNext = mu(t + 1);
    state.product = ctx.map((p, m) => p * m, state.product, muT);
    return {
      slots: [{ name: 'm' }, { name: 'v' }],
      scalars: {
        lr: ctx.lr,
        beta1: h.beta1,
        oneMinusBeta1: ctx.map((b) => 1 - b, h.beta1),
        beta2: h.beta2,
        oneMinusBeta2: ctx.map((b) => 1 - b, h.beta2),
        eps: h.eps,
        weightDecay: h.weightDecay,
        bias2: ctx.map((b) => 1 - b ** t, h.beta2),
        gradCoef: ctx.map((m, p) => (1 - m) / (1 - p), muT, state.product),
        mCoef: ctx.map((m, p) => m / (1 - p * m), muNext, state.product),
      },
      lets: [
        decayedGrad(ctx),
        ['m', '$beta1 * @m + $oneMinusBeta1 * gd'],
        ['v', '$beta2 * @v + $oneMinusBeta2 * (gd * gd)'],
        ['denom', 'sqrt(v / $bias2) + $eps'],
      ],
      next: { m: 'm', v: 'v' },
      param: 'p - $lr * ($gradCoef * (gd / denom) + $mCoef * (m / denom))',
    };
  },
});
