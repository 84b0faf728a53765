/** Plain data for the compression lab's charts (no tensors, no React). */
import type { EpochMetrics } from '../../engine/training/train';
import type { CompressResult, QuantHistogram } from '../../engine/compress/runCompress';
import type { TransferStrategy } from '../../engine/spec/compressSchema';
import { transferScores } from '../../engine/compress/transferScores';

type Result<M extends CompressResult['method']> = Extract<CompressResult, { method: M }>;

/** Accuracy in percent (null stays null: no value to draw). */
export const pct = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10000) / 100;

export function bytesLabel(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

/** Accuracy against sparsity: the dense model at 0 %, then each sparsity one-shot and fine-tuned (or gradual). */
export function pruneCurve(
  r: Extract<Result<'pruning'>, { schedule: 'oneShot' | 'gradual' }>,
): { sparsity: number; oneShot: number | null; fineTuned: number | null }[] {
  const dense = pct(r.dense.testAccuracy);
  return [
    { sparsity: 0, oneShot: dense, fineTuned: dense },
    ...r.rows.map((x) => ({
      sparsity: x.sparsity * 100,
      oneShot: pct(x.oneShot.testAccuracy),
      fineTuned: pct(x.fineTuned?.testAccuracy),
    })),
  ];
}

/** Accuracy against bit width: float at 32, then each width PTQ and QAT. */
export function quantCurve(
  r: Result<'quantization'>,
): { bits: string; ptq: number | null; qat: number | null; bytes: number }[] {
  const float = pct(r.study.float.testAccuracy);
  return [
    { bits: '32 (float)', ptq: float, qat: float, bytes: r.study.floatBytes },
    ...r.study.rows.map((x) => ({
      bits: String(x.bits),
      ptq: pct(x.ptq.testAccuracy),
      qat: pct(x.qat?.testAccuracy),
      bytes: x.sizeBytes,
    })),
  ];
}

/** Per layer, the relative quantization error at each bit width (one row per layer). */
export function quantLayerErrors(r: Result<'quantization'>): Record<string, number | string>[] {
  return r.layers.map((l, i) => ({
    layer: l.name,
    ...Object.fromEntries(r.study.rows.map((x) => [`b${x.bits}`, x.layerError[i]])),
  }));
}

/** Histogram bars as [x0, x1, count] and the grid's levels, for drawing. */
export function histogramBars(h: QuantHistogram): { x0: number; x1: number; count: number }[] {
  const w = (h.hi - h.lo) / h.counts.length;
  return h.counts.map((count, i) => ({ x0: h.lo + i * w, x1: h.lo + (i + 1) * w, count }));
}

export const STRATEGY_LABELS: Record<TransferStrategy, string> = {
  freeze: 'freeze base, train head',
  finetune: 'fine-tune all',
  lowerLr: 'fine-tune, lower lr for base',
  scratch: 'from scratch',
};
export const STRATEGY_COLORS: Record<TransferStrategy, string> = {
  freeze: '#0891b2',
  finetune: '#16a34a',
  lowerLr: '#9333ea',
  scratch: '#64748b',
};

/** Test accuracy per epoch of each strategy at one label count (the mean over the draws): rows by epoch, one column per strategy. */
export function transferCurves(r: Result<'transfer'>, labels: number): Record<string, number | null>[] {
  const scores = transferScores(r.runs).filter((x) => x.labels === labels);
  const epochs = Math.max(0, ...scores.map((x) => x.curve.length));
  return Array.from({ length: epochs }, (_, e) => ({
    epoch: e + 1,
    ...Object.fromEntries(scores.map((x) => [x.strategy, pct(x.curve[e])])),
  }));
}

/** The last epoch's test accuracy, in percent. */
export const lastAccuracy = (epochs: EpochMetrics[]) => pct(epochs[epochs.length - 1]?.testAccuracy);

/** Per label count, each strategy's final accuracy in percent: the mean over the draws, their spread (sd) and each draw's. */
export function transferTable(r: Result<'transfer'>): {
  labels: number;
  draws: number;
  acc: Partial<Record<TransferStrategy, number | null>>;
  sd: Partial<Record<TransferStrategy, number | null>>;
  finals: Partial<Record<TransferStrategy, (number | null)[]>>;
}[] {
  const scores = transferScores(r.runs);
  return [...new Set(scores.map((x) => x.labels))].map((labels) => {
    const mine = scores.filter((x) => x.labels === labels);
    return {
      labels,
      draws: Math.max(...mine.map((x) => x.finals.length)),
      acc: Object.fromEntries(mine.map((x) => [x.strategy, pct(x.mean)])),
      sd: Object.fromEntries(mine.map((x) => [x.strategy, pct(x.sd)])),
      finals: Object.fromEntries(mine.map((x) => [x.strategy, x.finals.map(pct)])),
    };
  });
}

/** The two students' test accuracy per epoch. */
export function distillCurves(
  r: Result<'distillation'>,
): { epoch: number; scratch: number | null; distilled: number | null }[] {
  const n = Math.max(r.study.scratch.length, r.study.distilled.length);
  return Array.from({ length: n }, (_, e) => ({
    epoch: e + 1,
    scratch: pct(r.study.scratch[e]?.testAccuracy),
    distilled: pct(r.study.distilled[e]?.testAccuracy),
  }));
}

/** Soft targets as rows per class, one column per temperature. */
export function softTargetRows(
  r: Result<'distillation'>,
  classNames: (c: number) => string,
): Record<string, number | string>[] {
  const C = r.study.softTargets[0]?.probs.length ?? 0;
  return Array.from({ length: C }, (_, c) => ({
    cls: classNames(c),
    ...Object.fromEntries(r.study.softTargets.map((s) => [`T${s.T}`, s.probs[c]])),
  }));
}
