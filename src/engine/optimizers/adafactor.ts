/**
 * Adafactor — torch.optim.Adafactor (PyTorch ≥ 2.5): second moments factored into row and column
 * averages for matrices (O(m + n) memory instead of O(m·n)), a relative step size that scales with
 * the parameter's RMS, and update clipping.
 *
 *   β̂₂ₜ = 1 − t^τ,   ρₜ = min(η, 1/√t),   αₜ = max(ε₂, RMS(θ)) · ρₜ,   θ ← θ·(1 − η·λ)
 *   matrices: R ← β̂₂ₜR + (1 − β̂₂ₜ)·mean_cols(g²),  C ← β̂₂ₜC + (1 − β̂₂ₜ)·mean_rows(g²),  V = R·C / max(mean(R), ε₁)
 *   vectors:  V ← β̂₂ₜV + (1 − β̂₂ₜ)·g²
 *   U = g / max(√V, ε₁),   θ ← θ − αₜ · U / max(1, RMS(U)/d)
 *
 * Shazeer & Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018; the
 * lr and ε₁ as torch uses them. Not element-wise (row and column means, RMS over the tensor): the
 * step is tensor code in tensorSteps.ts. torch 1.13 has no Adafactor: the fixtures come from the
 * algorithm in torch's documentation written out in scripts/make_torch_fixtures.py.
 */
import { defineOptimizer, latexRows, lrMeta, weightDecayMeta } from './define';

export const adafactor = defineOptimizer({
  name: 'adafactor',
  label: 'Adafactor',
  description: 'Factored second moments (rows × columns) and steps relative to the weights’ size, with clipping',
  paper: {
    title: 'Adafactor: Adaptive Learning Rates with Sublinear Memory Cost',
    authors: 'Shazeer & Stern',
    year: 2018,
    url: 'https://arxiv.org/abs/1804.04235',
  },
  torch: 'torch.optim.Adafactor (PyTorch ≥ 2.5)',
  latex: latexRows(
    '\\hat\\beta_{2t} &= 1 - t^{\\tau}, \\quad \\rho_t = \\min(\\eta, 1/\\sqrt t), \\quad \\alpha_t = \\max(\\epsilon_2, \\mathrm{RMS}(\\theta_{t-1}))\\,\\rho_t',
    'V_t &= \\begin{cases} R_t C_t / \\max(\\bar R_t, \\epsilon_1) & \\text{matrix: } R, C \\text{ row/column means of } g^2 \\\\ \\hat\\beta_{2t} V_{t-1} + (1-\\hat\\beta_{2t})\\, g_t^2 & \\text{vector} \\end{cases}',
    'U_t &= g_t / \\max(\\sqrt{V_t}, \\epsilon_1), \\quad \\theta_t = \\theta_{t-1}(1 - \\eta\\lambda) - \\alpha_t\\, U_t / \\max(1, \\mathrm{RMS}(U_t)/d)',
  ),
  hyper: [
    { ...lrMeta(1e-2), description: 'the largest relative step ρ (and the weight decay’s factor)' },
    {
      kind: 'number',
      key: 'beta2Decay',
      label: 'β₂ decay',
      symbol: '\\tau',
      description: 'β̂₂ₜ = 1 − t^τ: the second moment averages over more steps as t grows',
      default: -0.8,
      min: -1,
      max: 0,
      scale: 'linear',
    },
    {
      kind: 'number',
      key: 'eps1',
      label: 'ε₁',
      symbol: '\\epsilon_1',
      description: 'floor of √V and of the row factors’ mean (torch: the dtype’s ε)',
      default: 1.1920928955078125e-7,
      min: 1e-30,
      max: 1e-2,
      scale: 'log',
    },
    {
      kind: 'number',
      key: 'eps2',
      label: 'ε₂',
      symbol: '\\epsilon_2',
      description: 'floor of RMS(θ) in the relative step, so weights at 0 still move',
      default: 1e-3,
      min: 0,
      max: 1,
      scale: 'linear',
    },
    {
      kind: 'number',
      key: 'd',
      label: 'clip threshold',
      symbol: 'd',
      description: 'updates whose RMS is above d are scaled down to it',
      default: 1,
      min: 1,
      max: 100,
      scale: 'log',
    },
    { ...weightDecayMeta(0), description: 'decoupled decay: θ shrinks by η·λ each step' },
  ],
  tensor: { stateSlots: 1 },
  note: 'On the 2-D surface θ is a vector, so its second moment is not factored; the factored rows × columns form acts on the weight matrices of the training lab.',
});
