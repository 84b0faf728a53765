/**
 * SGD with momentum, dampening, Nesterov momentum and coupled weight decay — torch.optim.SGD.
 *
 *   g ← ∇f(θ) + λθ
 *   b ← g (first step),  b ← μ·b + (1 − τ)·g (later steps)
 *   g ← g + μ·b if nesterov, else g ← b          (only when μ ≠ 0)
 *   θ ← θ − η·g
 *
 * Plain gradient descent is SGD with μ = 0 on the full batch. Nesterov: Sutskever et al., "On the
 * importance of initialization and momentum in deep learning", ICML 2013.
 */
import {
  decayedGrad,
  defineOptimizer,
  latexRows,
  lrMeta,
  momentumMeta,
  weightDecayMeta,
  type StepRule,
} from './define';

export const sgd = defineOptimizer({
  name: 'sgd',
  label: 'SGD',
  description: 'Gradient descent, with optional (Nesterov) momentum; full batch = plain GD',
  paper: {
    title: 'On the importance of initialization and momentum in deep learning',
    authors: 'Sutskever, Martens, Dahl & Hinton',
    year: 2013,
    url: 'https://proceedings.mlr.press/v28/sutskever13.html',
  },
  torch: 'torch.optim.SGD',
  latex: latexRows(
    'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
    'b_t &= \\mu\\, b_{t-1} + (1-\\tau)\\, g_t',
    '\\theta_t &= \\theta_{t-1} - \\eta\\, b_t',
  ),
  hyper: [
    lrMeta(1e-3),
    momentumMeta,
    {
      kind: 'number',
      key: 'dampening',
      label: 'dampening',
      symbol: '\\tau',
      description: 'dampening for momentum',
      default: 0,
      min: 0,
      max: 1,
      scale: 'linear',
    },
    weightDecayMeta(),
    {
      kind: 'boolean',
      key: 'nesterov',
      label: 'Nesterov',
      description: 'Nesterov momentum: step along g + μb',
      default: false,
    },
  ],
  check: (v) =>
    v.nesterov && (Number(v.momentum) <= 0 || Number(v.dampening) !== 0)
      ? { key: 'nesterov', message: 'Nesterov momentum requires a momentum > 0 and zero dampening (as in PyTorch)' }
      : null,
  rule: (ctx): StepRule => {
    const { h } = ctx;
    const scalars = { lr: ctx.lr, weightDecay: h.weightDecay, momentum: h.momentum };
    if (!ctx.nonzero(h.momentum))
      return { slots: [], scalars, lets: [decayedGrad(ctx)], next: {}, param: 'p - $lr * gd' };
    // torch keeps no buffer where momentum is 0; a buffer with momentum 0 and no dampening is the same
    const oneMinusDampening = ctx.map((m, d) => (m === 0 ? 1 : 1 - d), h.momentum, h.dampening);
    return {
      slots: [{ name: 'momentum' }],
      scalars: { ...scalars, oneMinusDampening },
      lets: [
        decayedGrad(ctx),
        // torch clones the first gradient into the buffer
        ['buf', ctx.t === 1 ? 'gd' : '$momentum * @momentum + $oneMinusDampening * gd'],
        ['dir', ctx.options.nesterov ? 'gd + $momentum * buf' : 'buf'],
      ],
      next: { momentum: 'buf' },
      param: 'p - $lr * dir',
    };
  },
});
