/** Schedule registry: metadata for controls, validation and the formula shown beside the chart. */
export const SCHEDULE_NAMES = [
  'constant',
  'step',
  'multiStep',
  'exponential',
  'inverseTime',
  'inverseSqrt',
  'cosine',
  'cosineWarmRestarts',
  'oneCycle',
  'reduceOnPlateau',
] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleParamMeta {
  key: string;
  label: string;
  description: string;
  /** 0 for tMax / maxLr means "derive it": the remaining steps / the optimizer's lr */
  default: number | number[];
  min: number;
  max: number;
  scale: 'log' | 'linear';
  integer?: boolean;
  /** a list of numbers (multiStep milestones) */
  list?: boolean;
}

export interface ScheduleMeta {
  name: ScheduleName;
  label: string;
  description: string;
  /** LaTeX, in terms of the base rate η and step t */
  formula: string;
  /** the PyTorch scheduler that it matches, if any */
  torch: string | null;
  params: ScheduleParamMeta[];
}

const gamma = (def: number): ScheduleParamMeta => ({
  key: 'gamma',
  label: 'γ',
  description: 'multiplicative factor',
  default: def,
  min: 1e-4,
  max: 1,
  scale: 'linear',
});
const etaMin: ScheduleParamMeta = {
  key: 'etaMin',
  label: 'η min',
  description: 'lowest learning rate',
  default: 0,
  min: 0,
  max: 10,
  scale: 'linear',
};

export const WARMUP_META: ScheduleParamMeta = {
  key: 'warmupSteps',
  label: 'warmup steps',
  description: 'linear warmup from η/W to η before the schedule starts',
  default: 0,
  min: 0,
  max: 100000,
  scale: 'linear',
  integer: true,
};

export const SCHEDULES: Record<ScheduleName, ScheduleMeta> = {
  constant: {
    name: 'constant',
    label: 'Constant',
    description: 'The same rate at every step',
    formula: '\\eta_t = \\eta',
    torch: null,
    params: [],
  },
  step: {
    name: 'step',
    label: 'Step decay',
    description: 'Multiply by γ every s steps',
    formula: '\\eta_t = \\eta\\,\\gamma^{\\lfloor t/s \\rfloor}',
    torch: 'StepLR',
    params: [
      {
        key: 'stepSize',
        label: 'step size s',
        description: 'steps between decays',
        default: 30,
        min: 1,
        max: 100000,
        scale: 'linear',
        integer: true,
      },
      gamma(0.1),
    ],
  },
  multiStep: {
    name: 'multiStep',
    label: 'Multi-step decay',
    description: 'Multiply by γ at each milestone',
    formula: '\\eta_t = \\eta\\,\\gamma^{|\\{m_i \\le t\\}|}',
    torch: 'MultiStepLR',
    params: [
      {
        key: 'milestones',
        label: 'milestones',
        description: 'steps at which to decay',
        default: [30, 60],
        min: 0,
        max: 100000,
        scale: 'linear',
        integer: true,
        list: true,
      },
      gamma(0.1),
    ],
  },
  exponential: {
    name: 'exponential',
    label: 'Exponential decay',
    description: 'Multiply by γ every step',
    formula: '\\eta_t = \\eta\\,\\gamma^{t}',
    torch: 'ExponentialLR',
    params: [gamma(0.99)],
  },
  inverseTime: {
    name: 'inverseTime',
    label: 'Inverse time',
    description: 'Decays like 1/t: the classic Robbins–Monro rate',
    formula: '\\eta_t = \\frac{\\eta}{1 + d\\,t}',
    torch: 'LambdaLR',
    params: [
      {
        key: 'decayRate',
        label: 'decay rate d',
        description: 'how fast the rate falls',
        default: 0.01,
        min: 0,
        max: 10,
        scale: 'linear',
      },
    ],
  },
  inverseSqrt: {
    name: 'inverseSqrt',
    label: 'Inverse square root',
    description: 'Decays like 1/√t',
    formula: '\\eta_t = \\frac{\\eta}{\\sqrt{t+1}}',
    torch: 'LambdaLR',
    params: [],
  },
  cosine: {
    name: 'cosine',
    label: 'Cosine annealing',
    description: 'Half a cosine from η down to η min over T steps',
    formula: '\\eta_t = \\eta_{\\min} + \\tfrac12(\\eta - \\eta_{\\min})\\big(1 + \\cos\\tfrac{\\pi t}{T}\\big)',
    torch: 'CosineAnnealingLR',
    params: [
      {
        key: 'tMax',
        label: 'T',
        description: 'steps to reach η min (0: all remaining steps)',
        default: 0,
        min: 0,
        max: 100000,
        scale: 'linear',
        integer: true,
      },
      etaMin,
    ],
  },
  cosineWarmRestarts: {
    name: 'cosineWarmRestarts',
    label: 'Cosine with warm restarts',
    description: 'Cosine annealing that restarts, each period m times longer (SGDR)',
    formula:
      '\\eta_t = \\eta_{\\min} + \\tfrac12(\\eta - \\eta_{\\min})\\big(1 + \\cos\\tfrac{\\pi T_{cur}}{T_i}\\big)',
    torch: 'CosineAnnealingWarmRestarts',
    params: [
      {
        key: 't0',
        label: 'T₀',
        description: 'length of the first period',
        default: 20,
        min: 1,
        max: 100000,
        scale: 'linear',
        integer: true,
      },
      {
        key: 'tMult',
        label: 'm',
        description: 'each period is m times the last',
        default: 1,
        min: 1,
        max: 10,
        scale: 'linear',
        integer: true,
      },
      etaMin,
    ],
  },
  oneCycle: {
    name: 'oneCycle',
    label: 'One cycle',
    description: 'Warm up to maxLr, then anneal far below the start (Smith & Topin)',
    formula: '\\eta_t:\\ \\tfrac{\\eta_{\\max}}{d} \\nearrow \\eta_{\\max} \\searrow \\tfrac{\\eta_{\\max}}{d\\,d_f}',
    torch: 'OneCycleLR',
    params: [
      {
        key: 'maxLr',
        label: 'max lr',
        description: 'peak rate (0: the optimizer’s lr)',
        default: 0,
        min: 0,
        max: 10,
        scale: 'linear',
      },
      {
        key: 'pctStart',
        label: 'warm-up share',
        description: 'share of steps spent rising',
        default: 0.3,
        min: 0.01,
        max: 0.99,
        scale: 'linear',
      },
      {
        key: 'divFactor',
        label: 'd',
        description: 'start rate = max lr / d',
        default: 25,
        min: 1,
        max: 1e4,
        scale: 'log',
      },
      {
        key: 'finalDivFactor',
        label: 'd_f',
        description: 'final rate = start rate / d_f',
        default: 1e4,
        min: 1,
        max: 1e8,
        scale: 'log',
      },
    ],
  },
  reduceOnPlateau: {
    name: 'reduceOnPlateau',
    label: 'Reduce on plateau',
    description: 'Cut the rate when the loss stops improving',
    formula:
      '\\eta \\leftarrow \\max(\\eta\\cdot f,\\ \\eta_{\\min})\\ \\text{after}\\ p\\ \\text{steps without improvement}',
    torch: 'ReduceLROnPlateau',
    params: [
      {
        key: 'factor',
        label: 'factor f',
        description: 'multiply the rate by this',
        default: 0.1,
        min: 1e-4,
        max: 0.9999,
        scale: 'linear',
      },
      {
        key: 'patience',
        label: 'patience p',
        description: 'steps without improvement before a cut',
        default: 10,
        min: 0,
        max: 100000,
        scale: 'linear',
        integer: true,
      },
      {
        key: 'threshold',
        label: 'threshold',
        description: 'relative improvement that counts',
        default: 1e-4,
        min: 0,
        max: 1,
        scale: 'linear',
      },
      {
        key: 'minLr',
        label: 'min lr',
        description: 'never go below this',
        default: 0,
        min: 0,
        max: 10,
        scale: 'linear',
      },
    ],
  },
};

/** Schedule parameters with defaults filled in for anything omitted. */
export function scheduleWithDefaults<T extends { name: ScheduleName }>(spec: T): T & Record<string, number | number[]> {
  const out: Record<string, unknown> = { ...spec };
  for (const p of SCHEDULES[spec.name].params) if (out[p.key] === undefined) out[p.key] = p.default;
  if (out.warmupSteps === undefined) out.warmupSteps = 0;
  return out as T & Record<string, number | number[]>;
}
