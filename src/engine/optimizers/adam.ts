/**
 * Adam, with optional AMSGrad — torch.optim.Adam; AdamW is the same rule with decoupled weight decay.
 *
 *   g ← ∇f(θ) + λθ                        (AdamW: θ ← θ·(1 − η·λ), g ← ∇f(θ))
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   v̂ ← max(v̂, v) if amsgrad, else v
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 *
 * Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; Reddi, Kale & Kumar, "On the
 * Convergence of Adam and Beyond", ICLR 2018 (AMSGrad); Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019 (AdamW).
 */
import {
  betaMeta,
  decayedGrad,
  defineOptimizer,
  epsMeta,
  latexRows,
  lrMeta,
  weightDecayMeta,
  type BooleanHyperMeta,
  type NumberHyperMeta,
  type RuleContext,
  type StepRule,
} from './define';

const amsgrad: BooleanHyperMeta = {
  kind: 'boolean',
  key: 'amsgrad',
  label: 'AMSGrad',
  description: 'use the running maximum of v (Reddi et al. 2018)',
  default: false,
};

export const ADAM_PAPER = {
  title: 'Adam: A Method for Stochastic Optimization',
  authors: 'Kingma & Ba',
  year: 2015,
  url: 'https://arxiv.org/abs/1412.6980',
};

const latex = (decay: string) =>
  latexRows(
    decay,
    'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t',
    'v_t &= \\beta_2 v_{t-1} + (1-\\beta_2)\\, g_t^2',
    '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1-\\beta_1^t}\\, \\frac{m_t}{\\sqrt{v_t}/\\sqrt{1-\\beta_2^t} + \\epsilon}',
  );

/** Adam's step; `decoupled`: AdamW's decay of the weights instead of the L2 term in the gradient. */
function adamRule(ctx: RuleContext, decoupled: boolean): StepRule {
  const { h, t } = ctx;
  const shrink = decoupled && ctx.nonzero(h.weightDecay);
  return {
    slots: [{ name: 'm' }, { name: 'v' }, ...(ctx.options.amsgrad ? [{ name: 'vMax' }] : [])],
    scalars: {
      beta1: h.beta1,
      oneMinusBeta1: ctx.map((b) => 1 - b, h.beta1),
      beta2: h.beta2,
      oneMinusBeta2: ctx.map((b) => 1 - b, h.beta2),
      eps: h.eps,
      weightDecay: h.weightDecay,
      stepSize: ctx.map((lr, b) => lr / (1 - b ** t), ctx.lr, h.beta1),
      bias2Sqrt: ctx.map((b) => Math.sqrt(1 - b ** t), h.beta2),
      shrink: ctx.map((lr, wd) => 1 - lr * wd, ctx.lr, h.weightDecay),
    },
    lets: [
      decoupled ? ['gd', 'g'] : decayedGrad(ctx),
      ['m', '$beta1 * @m + $oneMinusBeta1 * gd'],
      ['v', '$beta2 * @v + $oneMinusBeta2 * (gd * gd)'],
      ['vHat', ctx.options.amsgrad ? 'max(@vMax, v)' : 'v'],
    ],
    next: { m: 'm', v: 'v', vMax: 'vHat' },
    param: `${shrink ? 'p * $shrink' : 'p'} - $stepSize * (m / (sqrt(vHat) / $bias2Sqrt + $eps))`,
  };
}

const hyper = (decay: NumberHyperMeta) => [
  lrMeta(1e-3),
  betaMeta('beta1', 0.9, 'decay of the gradient average'),
  betaMeta('beta2', 0.999, 'decay of the squared-gradient average'),
  epsMeta(1e-8),
  decay,
  amsgrad,
];

export const adam = defineOptimizer({
  name: 'adam',
  label: 'Adam',
  description: 'Momentum plus per-coordinate RMS scaling, with bias correction',
  paper: ADAM_PAPER,
  torch: 'torch.optim.Adam',
  latex: latex('g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}'),
  hyper: hyper(weightDecayMeta()),
  rule: (ctx) => adamRule(ctx, false),
});

export const adamw = defineOptimizer({
  name: 'adamw',
  label: 'AdamW',
  description: 'Adam with weight decay applied to the weights, not the gradient',
  paper: {
    title: 'Decoupled Weight Decay Regularization',
    authors: 'Loshchilov & Hutter',
    year: 2019,
    url: 'https://arxiv.org/abs/1711.05101',
  },
  torch: 'torch.optim.AdamW',
  latex: latex('\\theta_{t-1} &\\leftarrow \\theta_{t-1}(1 - \\eta\\lambda), \\quad g_t = \\nabla f(\\theta_{t-1})'),
  hyper: hyper({ ...weightDecayMeta(1e-2), description: 'decoupled decay: θ shrinks by η·λ each step' }),
  rule: (ctx) => adamRule(ctx, true),
});
