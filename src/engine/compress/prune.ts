/**
 * Magnitude pruning masks (1 keeps a weight, 0 removes it), computed on the host from one model's
 * weights:
 * - unstructured, per layer: each layer loses exactly round(s · n_layer) of its smallest |w|;
 * - unstructured, global: exactly round(s · Σ n) of the smallest |w| over all layers together;
 * - structured: whole output units (dense columns, conv filters) with the smallest L1 norm of their
 *   weights, round(s · units) per layer.
 * Ties are broken by position, so a sparsity is always met exactly.
 *
 * And the gradual schedule of Zhu & Gupta (2017), "To prune, or not to prune":
 *   s_t = s_f + (s_i − s_f) (1 − (t − t₀) / (n Δt))³  for t ∈ {t₀, t₀ + Δt, …, t₀ + n Δt},
 * held between updates, s_i before t₀ and s_f after.
 */

export type PruneScope = 'layer' | 'global' | 'structured';

export interface LayerWeights {
  /** one model's weights of this layer, row-major, the output units on the last axis */
  values: Float32Array | number[];
  /** output units (the last axis) */
  units: number;
}

/** Indices of the k smallest scores (ties: lower index first). */
function smallest(scores: ArrayLike<number>, k: number): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[a] - scores[b] || a - b);
  return order.subarray(0, k);
}

export function pruneMasks(layers: LayerWeights[], sparsity: number, scope: PruneScope): Uint8Array[] {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new Error('the sparsity must be between 0 and 1');
  const masks = layers.map((l) => new Uint8Array(l.values.length).fill(1));
  if (scope === 'global') {
    const offsets: number[] = [];
    let total = 0;
    for (const l of layers) {
      offsets.push(total);
      total += l.values.length;
    }
    const all = new Float32Array(total);
    layers.forEach((l, i) => all.set(Array.from(l.values, Math.abs), offsets[i]));
    for (const at of smallest(all, Math.round(sparsity * total))) {
      let layer = offsets.length - 1;
      while (offsets[layer] > at) layer--;
      masks[layer][at - offsets[layer]] = 0;
    }
    return masks;
  }
  layers.forEach((l, i) => {
    if (scope === 'layer') {
      for (const at of smallest(Array.from(l.values, Math.abs), Math.round(sparsity * l.values.length)))
        masks[i][at] = 0;
      return;
    }
    const norms = new Float64Array(l.units);
    for (let j = 0; j < l.values.length; j++) norms[j % l.units] += Math.abs(l.values[j]);
    const gone = new Set(smallest(norms, Math.round(sparsity * l.units)));
    for (let j = 0; j < l.values.length; j++) if (gone.has(j % l.units)) masks[i][j] = 0;
  });
  return masks;
}

/** Share of zeros in the masks (of every weight, over all layers). */
export function maskSparsity(masks: Uint8Array[]): number {
  let zeros = 0;
  let total = 0;
  for (const m of masks) {
    for (const v of m) zeros += v === 0 ? 1 : 0;
    total += m.length;
  }
  return total ? zeros / total : 0;
}

export interface GradualSchedule {
  /** s_i and s_f */
  initial: number;
  final: number;
  /** t₀: the step of the first pruning */
  start: number;
  /** n: how many pruning updates */
  updates: number;
  /** Δt: steps between updates */
  every: number;
}

/** Zhu & Gupta's cubic sparsity at step t. */
export function zhuGuptaSparsity(t: number, g: GradualSchedule): number {
  if (t < g.start) return g.initial;
  const span = g.updates * g.every;
  const at = Math.min(span, Math.floor((t - g.start) / g.every) * g.every);
  return g.final + (g.initial - g.final) * (1 - at / span) ** 3;
}
