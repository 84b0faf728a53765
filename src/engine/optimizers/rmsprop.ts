/**
 * RMSprop, optionally centered and with momentum — torch.optim.RMSprop.
 *
 *   g ← ∇f(θ) + λθ
 *   v ← α·v + (1 − α)·g²
 *   centered:  ḡ ← α·ḡ + (1 − α)·g,   d ← √(v − ḡ²) + ε;   otherwise d ← √v + ε
 *   b ← μ·b + g/d,   θ ← θ − η·b          (μ = 0 gives θ ← θ − η·g/d)
 *
 * Hinton, Neural Networks for Machine Learning, lecture 6e (2012); centered form: Graves,
 * "Generating Sequences With Recurrent Neural Networks", 2013.
 */
import { decayedGrad, defineOptimizer, epsMeta, latexRows, lrMeta, momentumMeta, weightDecayMeta } from './define';

export const rmsprop = defineOptimizer({
  name: 'rmsprop',
  label: 'RMSprop',
  description: 'Divides the step by a moving RMS of recent gradients',
  paper: {
    title: 'Neural Networks for Machine Learning, lecture 6e',
    authors: 'Tieleman & Hinton',
    year: 2012,
    url: 'https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf',
  },
  torch: 'torch.optim.RMSprop',
  latex: latexRows(
    'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
    'v_t &= \\alpha v_{t-1} + (1-\\alpha)\\, g_t^2',
    'b_t &= \\mu\\, b_{t-1} + \\frac{g_t}{\\sqrt{v_t} + \\epsilon}',
    '\\theta_t &= \\theta_{t-1} - \\eta\\, b_t',
  ),
  hyper: [
    lrMeta(1e-2),
    {
      kind: 'number',
      key: 'alpha',
      label: 'alpha',
      symbol: '\\alpha',
      description: 'smoothing constant of the squared-gradient average',
      default: 0.99,
      min: 0,
      max: 0.9999,
      scale: 'linear',
    },
    epsMeta(1e-8),
    weightDecayMeta(),
    momentumMeta,
    {
      kind: 'boolean',
      key: 'centered',
      label: 'centered',
      description: 'normalise by the estimated variance (v − ḡ²) instead of v',
      default: false,
    },
  ],
  rule: (ctx) => {
    const { h } = ctx;
    const centered = ctx.options.centered;
    const momentum = ctx.nonzero(h.momentum);
    return {
      slots: [
        { name: 'squareAvg' },
        ...(centered ? [{ name: 'gradAvg' }] : []),
        ...(momentum ? [{ name: 'momentum' }] : []),
      ],
      scalars: {
        lr: ctx.lr,
        alpha: h.alpha,
        oneMinusAlpha: ctx.map((a) => 1 - a, h.alpha),
        eps: h.eps,
        weightDecay: h.weightDecay,
        momentum: h.momentum,
      },
      lets: [
        decayedGrad(ctx),
        ['sq', '$alpha * @squareAvg + $oneMinusAlpha * (gd * gd)'],
        ...(centered
          ? ([
              ['ga', '$alpha * @gradAvg + $oneMinusAlpha * gd'],
              ['avg', 'sqrt(sq - ga * ga) + $eps'],
            ] as [string, string][])
          : [['avg', 'sqrt(sq) + $eps'] as [string, string]]),
        ['dir', 'gd / avg'],
        ['buf', momentum ? '$momentum * @momentum + dir' : 'dir'],
      ],
      next: { squareAvg: 'sq', gradAvg: 'ga', momentum: 'buf' },
      param: 'p - $lr * buf',
    };
  },
});
