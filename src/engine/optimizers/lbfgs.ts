/**
 * L-BFGS — torch.optim.LBFGS (limited-memory BFGS, after minFunc): a quasi-Newton method. It keeps
 * the last m steps sᵢ and gradient changes yᵢ and turns the gradient into a direction with the
 * two-loop recursion, which applies an approximate inverse Hessian without ever forming it.
 *
 *   d = −H·g          (two-loop recursion over (sᵢ, yᵢ), H₀ = sᵀy / yᵀy)
 *   t = η             (or a strong-Wolfe line search along d, starting from η)
 *   θ ← θ + t·d,      s = t·d, y = g_new − g   (kept when sᵀy > 1e−10)
 *
 * One step is one `optimizer.step(closure)`: up to maxIter such iterations and maxEval evaluations
 * of the function, stopping early when the gradient or the change falls below its tolerance. It is
 * full-batch by design and it is not batched across runs: every run has its own line search with its
 * own branches, so runs step one after another (lbfgsStep.ts).
 *
 * Liu & Nocedal, "On the limited memory BFGS method for large scale optimization", Math.
 * Programming 1989. Semantics, defaults and the line search follow torch 1.13's LBFGS.
 */
import { defineOptimizer, latexRows, lrMeta, type NumberHyperMeta } from './define';

const integer = (key: string, label: string, symbol: string, description: string, def: number, max: number) =>
  ({
    kind: 'number',
    key,
    label,
    symbol,
    description,
    default: def,
    min: 1,
    max,
    scale: 'log',
    integer: true,
    structural: true,
  }) satisfies NumberHyperMeta;

const tolerance = (key: string, label: string, symbol: string, description: string, def: number) =>
  ({
    kind: 'number',
    key,
    label,
    symbol,
    description,
    default: def,
    min: 0,
    max: 1,
    scale: 'log',
  }) satisfies NumberHyperMeta;

export const lbfgs = defineOptimizer({
  name: 'lbfgs',
  label: 'L-BFGS',
  description: 'Quasi-Newton: a curvature estimate from the last steps; each step may evaluate the function many times',
  paper: {
    title: 'On the limited memory BFGS method for large scale optimization',
    authors: 'Liu & Nocedal',
    year: 1989,
    url: 'https://doi.org/10.1007/BF01589116',
  },
  torch: 'torch.optim.LBFGS',
  latex: latexRows(
    'd_k &= -H_k\\, g_k, \\quad H_k \\approx (\\nabla^2 f)^{-1} \\text{ from the last } m \\text{ pairs } (s_i,\\ y_i), \\quad H_0 = \\tfrac{s^\\top y}{y^\\top y}',
    '\\theta_{k+1} &= \\theta_k + t_k\\, d_k, \\quad t_k = \\eta \\text{ (or a strong-Wolfe line search from } \\eta)',
    's_k &= t_k d_k, \\quad y_k = g_{k+1} - g_k \\quad (\\le N_{\\text{iter}} \\text{ iterations per step})',
  ),
  hyper: [
    { ...lrMeta(1), description: 'the step along the direction (the line search’s first trial)' },
    integer('maxIter', 'max iterations', 'N_{\\text{iter}}', 'iterations per step', 20, 1000),
    integer(
      'maxEval',
      'max evaluations',
      'N_{\\text{eval}}',
      'function evaluations per step (torch: ⌊1.25 · max iterations⌋)',
      25,
      2000,
    ),
    integer('historySize', 'history', 'm', 'how many (s, y) pairs the curvature estimate keeps', 100, 1000),
    tolerance('toleranceGrad', 'gradient tolerance', '\\epsilon_g', 'stop when every |gradient| is at most this', 1e-7),
    tolerance(
      'toleranceChange',
      'change tolerance',
      '\\epsilon_c',
      'stop when the step or the loss changes less than this',
      1e-9,
    ),
    {
      kind: 'boolean',
      key: 'strongWolfe',
      label: 'strong-Wolfe line search',
      description:
        'search along d for a step meeting the strong Wolfe conditions (torch’s line_search_fn="strong_wolfe"); off: a fixed step η',
      default: false,
    },
  ],
  note:
    'One step here is one optimizer.step(closure): up to “max iterations” updates and “max evaluations” function ' +
    'evaluations, so compare it with the others by evaluations, not steps. It needs the full, noise-free ' +
    'function, and it is not batched: each run steps on its own, one after another.',
  closure: true,
});
