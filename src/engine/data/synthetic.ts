/**
 * Seeded synthetic datasets. The 2-D classification sets follow TensorFlow Playground's shapes
 * (circle, xor, two gaussians, spiral) and scikit-learn's make_moons, on a [-6, 6]² plane; the
 * regression sets are the classic y = 2x line and a sine curve.
 */
import { randomCreate, randomMixSeed, type Rng } from '../random';
import type { Dataset } from './dataset';

export const SYNTHETIC_NAMES = ['circle', 'xor', 'gaussians', 'spiral', 'moons', 'linear', 'sine'] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

export interface SyntheticOptions {
  /** number of points */
  size: number;
  /** noise level: σ of Gaussian noise in the plane's units (classification) or on the target (regression) */
  noise: number;
  seed: number;
}

type Gen = (i: number, n: number, rng: Rng, noise: number) => { x: number[]; y: number };
const u = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();

const GENERATORS: Record<
  SyntheticName,
  { task: 'classification' | 'regression'; nFeatures: number; nClasses: number; gen: Gen }
> = {
  circle: {
    task: 'classification',
    nFeatures: 2,
    nClasses: 2,
    gen: (i, n, rng, noise) => {
      const inner = i < n / 2;
      const r = inner ? u(rng, 0, 2.5) : u(rng, 3.5, 5);
      const t = u(rng, 0, 2 * Math.PI);
      return { x: [r * Math.cos(t) + noise * rng.normal(), r * Math.sin(t) + noise * rng.normal()], y: inner ? 0 : 1 };
    },
  },
  xor: {
    task: 'classification',
    nFeatures: 2,
    nClasses: 2,
    gen: (_i, _n, rng, noise) => {
      const pad = 0.3;
      let a = u(rng, -5, 5);
      a += a > 0 ? pad : -pad;
      let b = u(rng, -5, 5);
      b += b > 0 ? pad : -pad;
      return { x: [a + noise * rng.normal(), b + noise * rng.normal()], y: a * b > 0 ? 1 : 0 };
    },
  },
  gaussians: {
    task: 'classification',
    nFeatures: 2,
    nClasses: 2,
    gen: (i, n, rng, noise) => {
      const c = i < n / 2 ? 2 : -2;
      const s = 1 + noise;
      return { x: [c + s * rng.normal(), c + s * rng.normal()], y: i < n / 2 ? 1 : 0 };
    },
  },
  spiral: {
    task: 'classification',
    nFeatures: 2,
    nClasses: 2,
    gen: (i, n, rng, noise) => {
      const half = Math.ceil(n / 2);
      const k = i % half;
      const cls = i < half ? 0 : 1;
      const r = (k / half) * 5;
      const t = ((1.75 * k) / half) * 2 * Math.PI + cls * Math.PI;
      return { x: [r * Math.sin(t) + noise * rng.normal(), r * Math.cos(t) + noise * rng.normal()], y: cls };
    },
  },
  moons: {
    task: 'classification',
    nFeatures: 2,
    nClasses: 2,
    gen: (i, n, rng, noise) => {
      const upper = i < n / 2;
      const t = u(rng, 0, Math.PI);
      const [a, b] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
      // centred and scaled to the same plane as the others
      return { x: [2.5 * (a - 0.5) + noise * rng.normal(), 2.5 * (b - 0.25) + noise * rng.normal()], y: upper ? 0 : 1 };
    },
  },
  linear: {
    task: 'regression',
    nFeatures: 1,
    nClasses: 0,
    gen: (_i, _n, rng, noise) => {
      const x = u(rng, -5, 5);
      return { x: [x], y: 2 * x + noise * rng.normal() };
    },
  },
  sine: {
    task: 'regression',
    nFeatures: 1,
    nClasses: 0,
    gen: (_i, _n, rng, noise) => {
      const x = u(rng, -Math.PI, Math.PI);
      return { x: [x], y: Math.sin(x) + noise * rng.normal() };
    },
  },
};

export function syntheticMake(name: SyntheticName, options: SyntheticOptions): Dataset {
  const g = GENERATORS[name];
  const n = Math.floor(options.size);
  if (!(n >= 2)) throw new Error('a dataset needs at least 2 points');
  const rng = randomCreate(randomMixSeed(options.seed, SYNTHETIC_NAMES.indexOf(name)));
  const x = new Float32Array(n * g.nFeatures);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = g.gen(i, n, rng, options.noise);
    x.set(p.x, i * g.nFeatures);
    y[i] = p.y;
  }
  return { name, task: g.task, x, y, n, nFeatures: g.nFeatures, nClasses: g.nClasses };
}
