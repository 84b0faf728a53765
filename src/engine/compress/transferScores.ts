/**
 * The transfer study's runs summarised over their draws: plain numbers, no tensors (the UI and the
 * CLI both read them).
 */
import type { EpochMetrics } from '../training/train';
import { TRANSFER_STRATEGIES, type TransferStrategy } from '../spec/compressSchema';

/** One adaptation run of the transfer study: a strategy on one draw of `labels` labelled rows. */
export interface TransferRun {
  labels: number;
  strategy: TransferStrategy;
  /** which set of labelled rows (0: the first `labels` training rows; then seeded random sets) */
  draw: number;
  epochs: EpochMetrics[];
}

/** Test accuracy of one strategy at one label count, over its draws: the mean, each draw's, and their spread. */
export interface TransferScore {
  labels: number;
  strategy: TransferStrategy;
  /** mean of the last epoch's test accuracy over the draws (0–1; null when no draw has one) */
  mean: number | null;
  /** sample standard deviation over the draws (null with one draw) */
  sd: number | null;
  /** each draw's last-epoch test accuracy, in draw order */
  finals: (number | null)[];
  /** mean test accuracy per epoch over the draws (the curve to draw) */
  curve: (number | null)[];
}

const meanOf = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/** Each (label count, strategy) of a transfer study, summarised over its draws. */
export function transferScores(runs: TransferRun[]): TransferScore[] {
  const out: TransferScore[] = [];
  for (const labels of [...new Set(runs.map((r) => r.labels))]) {
    for (const strategy of TRANSFER_STRATEGIES) {
      const mine = runs.filter((r) => r.labels === labels && r.strategy === strategy).sort((a, b) => a.draw - b.draw);
      if (mine.length === 0) continue;
      const finals = mine.map((r) => r.epochs[r.epochs.length - 1]?.testAccuracy ?? null);
      const mean = meanOf(finals);
      const ok = finals.filter((x): x is number => x !== null && Number.isFinite(x));
      const sd =
        ok.length > 1 && mean !== null
          ? Math.sqrt(ok.reduce((a, x) => a + (x - mean) ** 2, 0) / (ok.length - 1))
          : null;
      const epochs = Math.max(...mine.map((r) => r.epochs.length));
      const curve = Array.from({ length: epochs }, (_, e) => meanOf(mine.map((r) => r.epochs[e]?.testAccuracy)));
      out.push({ labels, strategy, mean, sd, finals, curve });
    }
  }
  return out;
}
