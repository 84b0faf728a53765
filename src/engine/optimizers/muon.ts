/**
 * Muon — torch.optim.Muon (PyTorch ≥ 2.9; Jordan et al. 2024): SGD momentum whose update, for each
 * weight matrix, is replaced by its nearest semi-orthogonal matrix (all singular values ≈ 1),
 * computed by five steps of a quintic Newton–Schulz iteration, so every direction of the matrix
 * moves by about the same amount.
 *
 *   B ← μ·B + (1 − μ)·g,   B̃ = g + μ·(B − g) if nesterov, else B
 *   X ← B̃ / max(‖B̃‖_F, ε) (transposed when taller than wide);  k times: A = XXᵀ, X ← aX + (bA + cA²)X
 *   θ ← θ·(1 − η·λ) − η·s·X,   s = √max(1, rows/cols)  (or 0.2·√max(rows, cols), matching AdamW's RMS)
 *
 * (a, b, c) = (3.4445, −4.7750, 2.0315), as published. Parameters that are not matrices (biases) are
 * stepped by AdamW, as the reference recommends. torch runs the iteration in bfloat16; we run it in
 * float32 (the reference in scripts/make_torch_fixtures.py does too). The step is tensor code in
 * tensorSteps.ts.
 */
import { betaMeta, defineOptimizer, epsMeta, latexRows, lrMeta, momentumMeta, weightDecayMeta } from './define';

/** the quintic Newton–Schulz coefficients of Jordan et al. */
export const MUON_NS = [3.4445, -4.775, 2.0315] as const;

export const muon = defineOptimizer({
  name: 'muon',
  label: 'Muon',
  description: 'Momentum orthogonalised by Newton–Schulz: every direction of a weight matrix moves alike',
  paper: {
    title: 'Muon: An optimizer for hidden layers in neural networks',
    authors: 'Jordan, Jin, Boza, You, Cesista, Newhouse & Bernstein',
    year: 2024,
    url: 'https://kellerjordan.github.io/posts/muon/',
  },
  torch: 'torch.optim.Muon (PyTorch ≥ 2.9)',
  latex: latexRows(
    'B_t &= \\mu B_{t-1} + (1-\\mu)\\, g_t, \\quad \\tilde B_t = g_t + \\mu (B_t - g_t)',
    'O_t &= \\mathrm{NS}_k(\\tilde B_t / \\lVert \\tilde B_t \\rVert_F), \\quad X \\leftarrow aX + (bXX^\\top + c(XX^\\top)^2)X',
    '\\theta_t &= \\theta_{t-1}(1 - \\eta\\lambda) - \\eta\\sqrt{\\max(1, A/B)}\\; O_t',
  ),
  hyper: [
    lrMeta(1e-3),
    { ...weightDecayMeta(0.1), description: 'decoupled decay: θ shrinks by η·λ each step' },
    { ...momentumMeta, default: 0.95 },
    { kind: 'boolean', key: 'nesterov', label: 'Nesterov', description: 'orthogonalise g + μ(B − g)', default: true },
    {
      kind: 'number',
      key: 'nsSteps',
      label: 'Newton–Schulz steps',
      symbol: 'k',
      description: 'iterations of the orthogonalisation',
      default: 5,
      min: 1,
      max: 20,
      scale: 'linear',
      integer: true,
      structural: true,
    },
    { ...epsMeta(1e-7), description: 'floor of ‖B̃‖ before the iteration' },
    {
      kind: 'boolean',
      key: 'matchRmsAdamw',
      label: 'match AdamW RMS',
      description: 'scale by 0.2·√max(A, B) (Moonshot, "Muon is Scalable", 2025) instead of √max(1, A/B)',
      default: false,
    },
    {
      kind: 'number',
      key: 'adamwLr',
      label: 'AdamW lr (non-matrix)',
      symbol: '\\eta_{\\text{AdamW}}',
      description: 'learning rate of the AdamW that steps biases and other non-matrix parameters',
      default: 3e-4,
      min: 1e-6,
      max: 10,
      scale: 'log',
    },
    { ...betaMeta('beta1', 0.9, 'AdamW’s (non-matrix parameters) gradient-average decay') },
    { ...betaMeta('beta2', 0.95, 'AdamW’s (non-matrix parameters) squared-gradient decay') },
  ],
  tensor: { stateSlots: 2 },
  note: 'On the 2-D surface θ = (x, y) is treated as a 1×2 matrix. Its only singular direction is the momentum’s own, so orthogonalising normalises it: Muon moves by about η per step, like sign-free normalised momentum, whatever the gradient’s size; near a minimum it keeps a step of about η and circles it. In a network it acts on each weight matrix; biases go to AdamW.',
});
