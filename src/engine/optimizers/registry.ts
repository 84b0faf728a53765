/**
 * Optimizer registry: everything the UI and the spec validator need to know about each optimizer.
 * Controls are built from this table alone; defaults are PyTorch's.
 */
import type { HyperValues } from './base';

export const OPTIMIZER_NAMES = ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw', 'adamax', 'nadam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface NumberHyperMeta {
  kind: 'number';
  key: string;
  label: string;
  /** LaTeX symbol used in the update rule */
  symbol: string;
  description: string;
  default: number;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  /** must be a whole number */
  integer?: boolean;
}

export interface BooleanHyperMeta {
  kind: 'boolean';
  key: string;
  label: string;
  description: string;
  default: boolean;
}

export type HyperMeta = NumberHyperMeta | BooleanHyperMeta;

export interface OptimizerMeta {
  name: OptimizerName;
  label: string;
  /** one line, for a tooltip or a legend */
  description: string;
  paper: { title: string; authors: string; year: number; url: string };
  /** the PyTorch class whose semantics and defaults we follow */
  torch: string;
  /** the update rule in LaTeX, using the hyperparameters' symbols; one line per aligned row */
  rule: string;
  hyper: HyperMeta[];
  /** a further check across hyperparameters, as torch makes; returns the problem or null */
  check?: (values: HyperValues) => { key: string; message: string } | null;
}

const lr = (def: number): NumberHyperMeta => ({
  kind: 'number',
  key: 'lr',
  label: 'learning rate',
  symbol: '\\eta',
  description: 'step size',
  default: def,
  min: 1e-6,
  max: 10,
  scale: 'log',
});
const weightDecay = (def = 0): NumberHyperMeta => ({
  kind: 'number',
  key: 'weightDecay',
  label: 'weight decay',
  symbol: '\\lambda',
  description: 'L2 penalty added to the gradient',
  default: def,
  min: 0,
  max: 1,
  scale: 'linear',
});
const eps = (def: number): NumberHyperMeta => ({
  kind: 'number',
  key: 'eps',
  label: 'epsilon',
  symbol: '\\epsilon',
  description: 'added to the denominator for numerical stability',
  default: def,
  min: 1e-12,
  max: 1,
  scale: 'log',
});
const beta = (key: 'beta1' | 'beta2', def: number, what: string): NumberHyperMeta => ({
  kind: 'number',
  key,
  label: key === 'beta1' ? 'β₁' : 'β₂',
  symbol: key === 'beta1' ? '\\beta_1' : '\\beta_2',
  description: what,
  default: def,
  min: 0,
  max: 0.99999,
  scale: 'linear',
});
const amsgrad: BooleanHyperMeta = {
  kind: 'boolean',
  key: 'amsgrad',
  label: 'AMSGrad',
  description: 'use the running maximum of v (Reddi et al. 2018)',
  default: false,
};
const adamRule = (decay: string) =>
  [
    decay,
    'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t',
    'v_t &= \\beta_2 v_{t-1} + (1-\\beta_2)\\, g_t^2',
    '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1-\\beta_1^t}\\, \\frac{m_t}{\\sqrt{v_t}/\\sqrt{1-\\beta_2^t} + \\epsilon}',
  ].join(' \\\\ ');
const adamPaper = {
  title: 'Adam: A Method for Stochastic Optimization',
  authors: 'Kingma & Ba',
  year: 2015,
  url: 'https://arxiv.org/abs/1412.6980',
};

export const OPTIMIZERS: Record<OptimizerName, OptimizerMeta> = {
  sgd: {
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
    rule: [
      'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
      'b_t &= \\mu\\, b_{t-1} + (1-\\tau)\\, g_t',
      '\\theta_t &= \\theta_{t-1} - \\eta\\, b_t',
    ].join(' \\\\ '),
    hyper: [
      lr(1e-3),
      {
        kind: 'number',
        key: 'momentum',
        label: 'momentum',
        symbol: '\\mu',
        description: 'momentum factor',
        default: 0,
        min: 0,
        max: 0.999,
        scale: 'linear',
      },
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
      weightDecay(),
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
  },
  adagrad: {
    name: 'adagrad',
    label: 'Adagrad',
    description: 'Per-coordinate steps that shrink with the sum of squared gradients',
    paper: {
      title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization',
      authors: 'Duchi, Hazan & Singer',
      year: 2011,
      url: 'https://jmlr.org/papers/v12/duchi11a.html',
    },
    torch: 'torch.optim.Adagrad',
    rule: [
      'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
      's_t &= s_{t-1} + g_t^2, \\quad s_0 = s_{\\text{init}}',
      '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1 + (t-1)\\delta}\\, \\frac{g_t}{\\sqrt{s_t} + \\epsilon}',
    ].join(' \\\\ '),
    hyper: [
      lr(1e-2),
      {
        kind: 'number',
        key: 'lrDecay',
        label: 'lr decay',
        symbol: '\\delta',
        description: 'learning-rate decay per step',
        default: 0,
        min: 0,
        max: 1,
        scale: 'linear',
      },
      weightDecay(),
      {
        kind: 'number',
        key: 'initialAccumulatorValue',
        label: 'initial accumulator',
        symbol: 's_{\\text{init}}',
        description: 'starting value of the sum of squares',
        default: 0,
        min: 0,
        max: 10,
        scale: 'linear',
      },
      eps(1e-10),
    ],
  },
  rmsprop: {
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
    rule: [
      'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
      'v_t &= \\alpha v_{t-1} + (1-\\alpha)\\, g_t^2',
      'b_t &= \\mu\\, b_{t-1} + \\frac{g_t}{\\sqrt{v_t} + \\epsilon}',
      '\\theta_t &= \\theta_{t-1} - \\eta\\, b_t',
    ].join(' \\\\ '),
    hyper: [
      lr(1e-2),
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
      eps(1e-8),
      weightDecay(),
      {
        kind: 'number',
        key: 'momentum',
        label: 'momentum',
        symbol: '\\mu',
        description: 'momentum factor',
        default: 0,
        min: 0,
        max: 0.999,
        scale: 'linear',
      },
      {
        kind: 'boolean',
        key: 'centered',
        label: 'centered',
        description: 'normalise by the estimated variance (v − ḡ²) instead of v',
        default: false,
      },
    ],
  },
  adadelta: {
    name: 'adadelta',
    label: 'Adadelta',
    description: 'Scales steps by the ratio of RMS of past updates to RMS of gradients',
    paper: {
      title: 'ADADELTA: An Adaptive Learning Rate Method',
      authors: 'Zeiler',
      year: 2012,
      url: 'https://arxiv.org/abs/1212.5701',
    },
    torch: 'torch.optim.Adadelta',
    rule: [
      'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
      'v_t &= \\rho v_{t-1} + (1-\\rho)\\, g_t^2',
      '\\Delta_t &= \\frac{\\sqrt{u_{t-1} + \\epsilon}}{\\sqrt{v_t + \\epsilon}}\\, g_t',
      'u_t &= \\rho u_{t-1} + (1-\\rho)\\, \\Delta_t^2',
      '\\theta_t &= \\theta_{t-1} - \\eta\\, \\Delta_t',
    ].join(' \\\\ '),
    hyper: [
      lr(1.0),
      {
        kind: 'number',
        key: 'rho',
        label: 'rho',
        symbol: '\\rho',
        description: 'decay of the running averages',
        default: 0.9,
        min: 0,
        max: 0.9999,
        scale: 'linear',
      },
      eps(1e-6),
      weightDecay(),
    ],
  },
  adam: {
    name: 'adam',
    label: 'Adam',
    description: 'Momentum plus per-coordinate RMS scaling, with bias correction',
    paper: adamPaper,
    torch: 'torch.optim.Adam',
    rule: adamRule('g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}'),
    hyper: [
      lr(1e-3),
      beta('beta1', 0.9, 'decay of the gradient average'),
      beta('beta2', 0.999, 'decay of the squared-gradient average'),
      eps(1e-8),
      weightDecay(),
      amsgrad,
    ],
  },
  adamw: {
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
    rule: adamRule(
      '\\theta_{t-1} &\\leftarrow \\theta_{t-1}(1 - \\eta\\lambda), \\quad g_t = \\nabla f(\\theta_{t-1})',
    ),
    hyper: [
      lr(1e-3),
      beta('beta1', 0.9, 'decay of the gradient average'),
      beta('beta2', 0.999, 'decay of the squared-gradient average'),
      eps(1e-8),
      { ...weightDecay(1e-2), description: 'decoupled decay: θ shrinks by η·λ each step' },
      amsgrad,
    ],
  },
  adamax: {
    name: 'adamax',
    label: 'Adamax',
    description: 'Adam with the infinity norm in place of the RMS',
    paper: adamPaper,
    torch: 'torch.optim.Adamax',
    rule: [
      'g_t &= \\nabla f(\\theta_{t-1}) + \\lambda\\theta_{t-1}',
      'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t',
      'u_t &= \\max(\\beta_2 u_{t-1},\\ |g_t| + \\epsilon)',
      '\\theta_t &= \\theta_{t-1} - \\frac{\\eta}{1-\\beta_1^t}\\, \\frac{m_t}{u_t}',
    ].join(' \\\\ '),
    hyper: [
      lr(2e-3),
      beta('beta1', 0.9, 'decay of the gradient average'),
      beta('beta2', 0.999, 'decay of the infinity norm'),
      eps(1e-8),
      weightDecay(),
    ],
  },
  nadam: {
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
    rule: [
      '\\mu_t &= \\beta_1\\big(1 - \\tfrac12\\, 0.96^{t\\psi}\\big)',
      'm_t &= \\beta_1 m_{t-1} + (1-\\beta_1)\\, g_t, \\quad v_t = \\beta_2 v_{t-1} + (1-\\beta_2)\\, g_t^2',
      '\\theta_t &= \\theta_{t-1} - \\eta \\Big(\\frac{1-\\mu_t}{1-\\prod_{i\\le t}\\mu_i}\\, g_t + \\frac{\\mu_{t+1}}{1-\\prod_{i\\le t+1}\\mu_i}\\, m_t\\Big) \\Big/ \\Big(\\sqrt{\\tfrac{v_t}{1-\\beta_2^t}} + \\epsilon\\Big)',
    ].join(' \\\\ '),
    hyper: [
      lr(2e-3),
      beta('beta1', 0.9, 'decay of the gradient average'),
      beta('beta2', 0.999, 'decay of the squared-gradient average'),
      eps(1e-8),
      weightDecay(),
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
  },
};

/** A run's hyperparameters with PyTorch's defaults filled in for anything omitted. */
export function optimizerWithDefaults(name: OptimizerName, given: Partial<HyperValues>): HyperValues {
  const out: HyperValues = {};
  for (const h of OPTIMIZERS[name].hyper) out[h.key] = given[h.key] ?? h.default;
  return out;
}

/** One run's optimizer as specs write it: its name and every hyperparameter, defaults filled in. */
export type OptimizerSetting = { name: OptimizerName } & HyperValues;

export function optimizerSetting(name: OptimizerName, given: Partial<HyperValues> = {}): OptimizerSetting {
  return { ...optimizerWithDefaults(name, given), name } as OptimizerSetting;
}

/**
 * Runs with the same key can step together as rows of one batched optimizer: the same optimizer
 * and the same on/off options (numeric hyperparameters may differ per row).
 */
export function optimizerGroupKey(setting: Record<string, number | boolean | string>): string {
  const flags = Object.entries(setting)
    .filter(([, v]) => typeof v === 'boolean')
    .sort(([a], [b]) => a.localeCompare(b));
  return `${setting.name}|${JSON.stringify(flags)}`;
}

/** Indices of runs grouped by optimizerGroupKey, in first-seen order. */
export function optimizerGroups(
  settings: Record<string, number | boolean | string>[],
  indices: number[] = settings.map((_, i) => i),
): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of indices) {
    const key = optimizerGroupKey(settings[i]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.values()];
}

/** The same setting with another learning rate. */
export function optimizerWithLr(setting: OptimizerSetting, lr: number): OptimizerSetting {
  const { name, ...hyper } = setting;
  return optimizerSetting(name, { ...hyper, lr });
}
