/**
 * Seeded pseudo-random numbers in plain JavaScript, so a seed gives the same numbers on every
 * backend (webgpu, webgl, cpu) and in Node. mulberry32 for uniforms, Box–Muller for normals.
 */

/** Mixes several integers into one 32-bit seed (splitmix-style avalanche). */
export function randomMixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export interface Rng {
  /** uniform in [0, 1) */
  uniform(): number;
  /** standard normal */
  normal(): number;
}

export function randomCreate(seed: number): Rng {
  let a = seed >>> 0;
  let spare: number | null = null;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

/** n standard-normal samples scaled by sigma, as float32. */
export function randomNormalArray(rng: Rng, n: number, sigma = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sigma * rng.normal();
  return out;
}
