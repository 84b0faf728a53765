/**
 * Rprop — torch.optim.Rprop (resilient backpropagation): each coordinate has its own step size,
 * grown by η₊ while the gradient keeps its sign and shrunk by η₋ when it flips; only the gradient's
 * sign is used, never its size.
 *
 *   s ← sign(g · g_prev)
 *   Δ ← clamp(Δ · (η₊ if s > 0, η₋ if s < 0, 1 if s = 0), Δmin, Δmax)        (Δ starts at lr)
 *   g ← 0 where s < 0                                                       (skip the step after a flip)
 *   θ ← θ − sign(g) · Δ,   g_prev ← g
 *
 * Riedmiller & Braun, "A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP
 * Algorithm", ICNN 1993. The learning rate is read once, as every step size's first value, as torch
 * reads it (a schedule changes nothing after the first step). Full-batch by design: noise in the
 * gradient's sign makes it wander.
 */
import { defineOptimizer, latexRows, lrMeta, type NumberHyperMeta } from './define';

const number = (
  key: string,
  label: string,
  symbol: string,
  description: string,
  def: number,
  min: number,
  max: number,
  scale: 'log' | 'linear',
): NumberHyperMeta => ({ kind: 'number', key, label, symbol, description, default: def, min, max, scale });

export const rprop = defineOptimizer({
  name: 'rprop',
  label: 'Rprop',
  description: 'Sign-based: each coordinate’s step grows while its gradient keeps its sign, shrinks when it flips',
  paper: {
    title: 'A Direct Adaptive Method for Faster Backpropagation Learning: The RPROP Algorithm',
    authors: 'Riedmiller & Braun',
    year: 1993,
    url: 'https://doi.org/10.1109/ICNN.1993.298623',
  },
  torch: 'torch.optim.Rprop',
  latex: latexRows(
    's_t &= \\operatorname{sign}(g_t\\, g_{t-1})',
    '\\Delta_t &= \\operatorname{clip}\\big(\\Delta_{t-1} \\cdot \\{\\eta_+ \\text{ if } s_t>0,\\ \\eta_- \\text{ if } s_t<0,\\ 1\\},\\ \\Delta_{\\min},\\ \\Delta_{\\max}\\big), \\quad \\Delta_0 = \\eta',
    '\\theta_t &= \\theta_{t-1} - \\operatorname{sign}(g_t)\\, \\Delta_t \\quad (g_t \\leftarrow 0 \\text{ where } s_t < 0)',
  ),
  hyper: [
    { ...lrMeta(1e-2), description: 'every step size’s first value (Δ₀)' },
    number('etaMinus', 'η₋', '\\eta_-', 'step-size factor after the gradient flips sign', 0.5, 0.01, 0.99, 'linear'),
    number('etaPlus', 'η₊', '\\eta_+', 'step-size factor while the gradient keeps its sign', 1.2, 1.01, 5, 'linear'),
    number('stepMin', 'min step', '\\Delta_{\\min}', 'smallest step size', 1e-6, 0, 1, 'log'),
    number('stepMax', 'max step', '\\Delta_{\\max}', 'largest step size', 50, 1e-4, 1000, 'log'),
  ],
  check: (v) =>
    Number(v.stepMin) > Number(v.stepMax)
      ? { key: 'stepMin', message: `min step ${v.stepMin} is above max step ${v.stepMax}` }
      : null,
  rule: (ctx) => {
    const { h } = ctx;
    return {
      // Δ starts at this (the first) step's learning rate
      slots: [{ name: 'prev' }, { name: 'step', init: ctx.lr }],
      scalars: {
        upFactor: ctx.map((e) => e - 1, h.etaPlus),
        downFactor: ctx.map((e) => e - 1, h.etaMinus),
        stepMin: h.stepMin,
        stepMax: h.stepMax,
      },
      lets: [
        ['s', 'sign(g * @prev)'],
        ['flipped', 'max(-s, 0)'],
        ['step', 'min(max(@step * (1 + max(s, 0) * $upFactor + flipped * $downFactor), $stepMin), $stepMax)'],
        ['gk', 'g * (1 - flipped)'],
      ],
      next: { prev: 'gk', step: 'step' },
      param: 'p - sign(gk) * step',
    };
  },
});
