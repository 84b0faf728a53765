/**
 * Schedule-free AdamW (Defazio et al. 2024; the `schedulefree` package's AdamWScheduleFree): no
 * learning-rate schedule to choose. Three sequences: z takes plain AdamW-normalised SGD steps, x is a
 * weighted running average of z (the point to evaluate and to keep), and the gradient is taken at y,
 * an interpolation of the two.
 *
 *   ηₜ = η · min(1, t / warmup),   wₜ = t^r · max_{i≤t}(ηᵢ)^p,   cₜ = wₜ / Σᵢ≤ₜ wᵢ
 *   v ← β₂v + (1 − β₂)g²,   ĝ = g / (√(v / (1 − β₂ᵗ)) + ε) + λy          (g at y)
 *   z ← z − ηₜ·ĝ,   x ← (1 − cₜ)·x + cₜ·z,   y = (1 − β₁)·z + β₁·x
 *
 * θ here is y, updated in place as the reference does (y ← y + cₜ(z − y) + ηₜ(β₁(1 − cₜ) − 1)ĝ), with
 * z and x as state; x, the evaluated point, is drawn beside the path. Defazio, Yang, Mehta,
 * Mishchenko, Khaled & Cutkosky, "The Road Less Scheduled", NeurIPS 2024. Not in torch: checked
 * against the paper's explicit three-sequence form in scripts/make_torch_fixtures.py.
 */
import { betaMeta, defineOptimizer, epsMeta, latexRows, lrMeta, weightDecayMeta, type RowValue } from './define';

export const scheduleFree = defineOptimizer<{ lrMax: RowValue; weightSum: RowValue }>({
  name: 'schedulefree',
  label: 'Schedule-free AdamW',
  description: 'AdamW with no schedule: the gradient is taken between a fast sequence z and its average x',
  paper: {
    title: 'The Road Less Scheduled',
    authors: 'Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky',
    year: 2024,
    url: 'https://arxiv.org/abs/2405.15682',
  },
  torch: 'none (schedulefree.AdamWScheduleFree)',
  latex: latexRows(
    '\\hat g_t &= g(y_{t}) / \\big(\\sqrt{v_t / (1-\\beta_2^t)} + \\epsilon\\big) + \\lambda y_t, \\quad v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g^2',
    'z_{t+1} &= z_t - \\eta_t \\hat g_t, \\quad x_{t+1} = (1-c_{t+1})\\, x_t + c_{t+1} z_{t+1}, \\quad c_{t+1} = \\tfrac{w_{t+1}}{\\sum_{i \\le t+1} w_i}',
    'y_{t+1} &= (1-\\beta_1)\\, z_{t+1} + \\beta_1 x_{t+1}, \\quad w_t = t^{r} \\max_{i\\le t}\\eta_i^{\\,p}',
  ),
  hyper: [
    lrMeta(2.5e-3),
    betaMeta('beta1', 0.9, 'interpolation: y = (1 − β₁)z + β₁x'),
    betaMeta('beta2', 0.999, 'decay of the squared-gradient average'),
    epsMeta(1e-8),
    { ...weightDecayMeta(0), description: 'L2 term added to the normalised gradient, taken at y' },
    {
      kind: 'number',
      key: 'warmupSteps',
      label: 'warmup steps',
      symbol: 'T_w',
      description: 'the rate rises linearly to η over these steps',
      default: 0,
      min: 0,
      max: 100000,
      scale: 'linear',
      integer: true,
    },
    {
      kind: 'number',
      key: 'r',
      label: 'average power',
      symbol: 'r',
      description: 'weights later iterates by t^r in the average x',
      default: 0,
      min: 0,
      max: 5,
      scale: 'linear',
    },
    {
      kind: 'number',
      key: 'weightLrPower',
      label: 'weight lr power',
      symbol: 'p',
      description: 'weights iterates by (max rate so far)^p, so warmup steps count little',
      default: 2,
      min: 0,
      max: 5,
      scale: 'linear',
    },
  ],
  averaged: {
    slot: 'x',
    label: 'average x',
    description: 'the point schedule-free AdamW evaluates and returns; the path is y, where it takes gradients',
  },
  init: () => ({ lrMax: -1, weightSum: 0 }),
  rule: (ctx, state) => {
    const { h, t } = ctx;
    const lr = ctx.map((l, w) => (w > 0 && t <= w ? (l * t) / w : l), ctx.lr, h.warmupSteps);
    state.lrMax = ctx.map((m, l) => Math.max(m, l), state.lrMax, lr);
    const weight = ctx.map((r, m, p) => t ** r * m ** p, h.r, state.lrMax, h.weightLrPower);
    state.weightSum = ctx.map((s, w) => s + w, state.weightSum, weight);
    const c = ctx.map((w, s) => (s > 0 ? w / s : 0), weight, state.weightSum);
    const decay = ctx.nonzero(h.weightDecay);
    return {
      // z and x start at θ₀ (so y₀ = x₀ = z₀)
      slots: [{ name: 'z', init: 'param' }, { name: 'x', init: 'param' }, { name: 'v' }],
      scalars: {
        lr,
        c,
        yLr: ctx.map((l, b, ci) => l * (b * (1 - ci) - 1), lr, h.beta1, c),
        beta2: h.beta2,
        oneMinusBeta2: ctx.map((b) => 1 - b, h.beta2),
        bias2: ctx.map((b) => 1 - b ** t, h.beta2),
        eps: h.eps,
        weightDecay: h.weightDecay,
      },
      lets: [
        ['v', '$beta2 * @v + $oneMinusBeta2 * (g * g)'],
        ['gn', `g / (sqrt(v / $bias2) + $eps)${decay ? ' + $weightDecay * p' : ''}`],
        ['z', '@z - $lr * gn'],
      ],
      next: { z: 'z', x: '@x + $c * (z - @x)', v: 'v' },
      param: 'p + $c * (@z - p) + $yLr * gn',
    };
  },
});
