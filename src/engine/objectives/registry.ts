/**
 * 2-D test functions: what the page shows of them (names, formulas, domains, minima). Their tensor
 * code is in tensor.ts, written with the same operation order as the PyTorch reference in
 * scripts/make_torch_fixtures.py so that float32 trajectories agree.
 * Domains, minima and formulas follow Surjanovic & Bingham's Virtual Library of Simulation Experiments.
 */

export const OBJECTIVE_NAMES = [
  'rosenbrock',
  'beale',
  'himmelblau',
  'booth',
  'rastrigin',
  'ackley',
  'saddle',
  'quadratic',
] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];
export type Point = [number, number];

export interface ObjectiveParamMeta {
  key: string;
  label: string;
  description: string;
  default: number;
  min: number;
  max: number;
  scale: 'log' | 'linear';
}

export interface ObjectiveMeta {
  name: ObjectiveName;
  label: string;
  /** LaTeX */
  formula: string;
  description: string;
  domain: { x: [number, number]; y: [number, number] };
  /** global minima (empty when the function is unbounded below) */
  minima: (params: Record<string, number>) => Point[];
  /** value at the global minima */
  minValue: number | null;
  /** a start point that shows something interesting */
  start: Point;
  params: ObjectiveParamMeta[];
}

export const OBJECTIVES: Record<ObjectiveName, ObjectiveMeta> = {
  rosenbrock: {
    name: 'rosenbrock',
    label: 'Rosenbrock',
    formula: '(1-x)^2 + 100\\,(y-x^2)^2',
    description: 'A long, curved, flat-bottomed valley: easy to find, slow to follow to the minimum at (1, 1).',
    domain: { x: [-2, 2], y: [-1, 3] },
    minima: () => [[1, 1]],
    minValue: 0,
    start: [-1.2, 1],
    params: [],
  },
  beale: {
    name: 'beale',
    label: 'Beale',
    formula: '(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2',
    description: 'Sharp ridges and a flat plateau around the minimum at (3, 0.5).',
    domain: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
    minima: () => [[3, 0.5]],
    minValue: 0,
    start: [1, 1.5],
    params: [],
  },
  himmelblau: {
    name: 'himmelblau',
    label: 'Himmelblau',
    formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    description: 'Four equal minima: where a run ends depends on where it starts (try the basin map).',
    domain: { x: [-5, 5], y: [-5, 5] },
    minima: () => [
      [3, 2],
      [-2.805118, 3.131312],
      [-3.77931, -3.283186],
      [3.584428, -1.848126],
    ],
    minValue: 0,
    start: [0, 0],
    params: [],
  },
  booth: {
    name: 'booth',
    label: 'Booth',
    formula: '(x + 2y - 7)^2 + (2x + y - 5)^2',
    description: 'A plain convex bowl, slightly stretched: every sensible optimizer gets to (1, 3).',
    domain: { x: [-10, 10], y: [-10, 10] },
    minima: () => [[1, 3]],
    minValue: 0,
    start: [-8, -6],
    params: [],
  },
  rastrigin: {
    name: 'rastrigin',
    label: 'Rastrigin',
    formula: '20 + x^2 - 10\\cos 2\\pi x + y^2 - 10\\cos 2\\pi y',
    description: 'A bowl covered in regularly spaced local minima: small steps get trapped.',
    domain: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
    minima: () => [[0, 0]],
    minValue: 0,
    start: [2.6, -3.4],
    params: [],
  },
  ackley: {
    name: 'ackley',
    label: 'Ackley',
    formula: '-20\\,e^{-0.2\\sqrt{(x^2+y^2)/2}} - e^{(\\cos 2\\pi x + \\cos 2\\pi y)/2} + e + 20',
    description: 'A nearly flat, bumpy plain with one deep hole at the origin.',
    domain: { x: [-5, 5], y: [-5, 5] },
    minima: () => [[0, 0]],
    minValue: 0,
    start: [3.5, -4],
    params: [],
  },
  saddle: {
    name: 'saddle',
    label: 'Saddle',
    formula: 'x^2 - y^2',
    description: 'A saddle point at the origin: the gradient vanishes there, but it is no minimum. Unbounded below.',
    domain: { x: [-2, 2], y: [-2, 2] },
    minima: () => [],
    minValue: null,
    start: [1, 0.001],
    params: [],
  },
  quadratic: {
    name: 'quadratic',
    label: 'Ill-conditioned quadratic',
    formula: '\\tfrac12\\,(u^2 + \\kappa v^2),\\ \\ (u, v) = R_\\phi\\,(x, y)',
    description: 'A stretched, rotated bowl: with condition number κ, gradient descent zig-zags across the valley.',
    domain: { x: [-3, 3], y: [-3, 3] },
    minima: () => [[0, 0]],
    minValue: 0,
    start: [-2.5, 1.5],
    params: [
      {
        key: 'condition',
        label: 'condition number κ',
        description: 'ratio of the largest to the smallest curvature',
        default: 10,
        min: 1,
        max: 1000,
        scale: 'log',
      },
      {
        key: 'angle',
        label: 'rotation φ (degrees)',
        description: 'rotation of the valley',
        default: 30,
        min: -90,
        max: 90,
        scale: 'linear',
      },
    ],
  },
};

/** Objective parameters with defaults filled in. */
export function objectiveParams(name: ObjectiveName, given: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of OBJECTIVES[name].params) out[p.key] = given[p.key] ?? p.default;
  return out;
}
