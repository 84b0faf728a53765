/**
 * RAdam — torch.optim.RAdam (Adam whose adaptive step is switched on only once the variance of its
 * denominator is tractable, and rectified until then).
 *
 *   g ← ∇f(θ) + λθ
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   m̂ ← m / (1 − β₁ᵗ)
 *   ρ∞ ← 2/(1 − β₂) − 1,   ρₜ ← ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
 *   ρₜ > 5:  rₜ ← √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)),   θ ← θ − η·rₜ·m̂·√(1 − β₂ᵗ)/(√v + ε)
 *   else:    θ ← θ − η·m̂                                  (un-rectified: SGD with momentum)
 *
 * Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020. ρₜ depends only
 * on t and β₂, so whether a step is rectified is a per-row scalar: the two branches are one
 * expression whose coefficients are zero on the branch not taken.
 */
import { betaMeta, decayedGrad, defineOptimizer, epsMeta, latexRows, lrMeta, weightDecayMeta } from './define';

export const radam = defineOptimizer({
  name: 'radam',
  label: 'RAdam',
  description: 'Adam with a warmup built in: the adaptive step is rectified while v is still a poor estimate',
  paper: {
    title: 'On the Variance of the Adaptive Learning Rate and Beyond',
    authors: 'Liu, Jiang, He, Chen, Liu, Gao & Han',
    year: 2020,
    url: 'https://arxiv.org/abs/1908.03265',
  },
  torch: 'torch.optim.RAdam',
  latex: latexRows(
    'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t, \\quad v_t = \\beta_2 v_{t-1} + (1-\\beta_2)\\, g_t^2, \\quad \\hat m_t = \\tfrac{m_t}{1-\\beta_1^t}',
    '\\rho_t &= \\rho_\\infty - \\tfrac{2t\\beta_2^t}{1-\\beta_2^t}, \\quad \\rho_\\infty = \\tfrac{2}{1-\\beta_2} - 1',
    '\\theta_t &= \\theta_{t-1} - \\eta \\begin{cases} r_t\\, \\hat m_t \\sqrt{1-\\beta_2^t} / (\\sqrt{v_t} + \\epsilon) & \\rho_t > 5 \\\\ \\hat m_t & \\text{otherwise} \\end{cases}',
  ),
  hyper: [
    lrMeta(1e-3),
    betaMeta('beta1', 0.9, 'decay of the gradient average'),
    betaMeta('beta2', 0.999, 'decay of the squared-gradient average'),
    epsMeta(1e-8),
    weightDecayMeta(),
  ],
  rule: (ctx) => {
    const { h, t } = ctx;
    const rho = (b2: number) => {
      const inf = 2 / (1 - b2) - 1;
      return { inf, t: inf - (2 * t * b2 ** t) / (1 - b2 ** t) };
    };
    const rect = (b2: number) => {
      const r = rho(b2);
      return r.t > 5 ? Math.sqrt(((r.t - 4) * (r.t - 2) * r.inf) / ((r.inf - 4) * (r.inf - 2) * r.t)) : 0;
    };
    return {
      slots: [{ name: 'm' }, { name: 'v' }],
      scalars: {
        beta1: h.beta1,
        oneMinusBeta1: ctx.map((b) => 1 - b, h.beta1),
        beta2: h.beta2,
        oneMinusBeta2: ctx.map((b) => 1 - b, h.beta2),
        eps: h.eps,
        weightDecay: h.weightDecay,
        bias1: ctx.map((b) => 1 - b ** t, h.beta1),
        // rectified rows: η·rₜ·√(1 − β₂ᵗ); the others 0
        adaptive: ctx.map((lr, b2) => lr * rect(b2) * Math.sqrt(1 - b2 ** t), ctx.lr, h.beta2),
        // un-rectified rows: η; the others 0
        plain: ctx.map((lr, b2) => (rho(b2).t > 5 ? 0 : lr), ctx.lr, h.beta2),
      },
      lets: [
        decayedGrad(ctx),
        ['m', '$beta1 * @m + $oneMinusBeta1 * gd'],
        ['v', '$beta2 * @v + $oneMinusBeta2 * (gd * gd)'],
        ['mHat', 'm / $bias1'],
      ],
      next: { m: 'm', v: 'v' },
      param: 'p - ($adaptive * (mHat / (sqrt(v) + $eps)) + $plain * mHat)',
    };
  },
});
