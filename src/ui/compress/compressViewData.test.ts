import { describe, expect, it } from 'vitest';
import type { CompressResult } from '../../engine/compress/runCompress';
import { bytesLabel, pct, pruneCurve, transferCurves, transferTable } from './compressViewData';

const common = {
  backend: 'cpu',
  dataset: { name: 'x', train: 10, test: 10, classes: 2 },
  baseEpochs: null,
  layers: [{ name: 'l0', shape: [2, 2] }],
  paramCount: 6,
};
const epochs = (accs: number[]) =>
  accs.map((a, i) => ({ epoch: i + 1, step: i, trainLoss: 1, testLoss: 1, testAccuracy: a, trainAccuracy: a }));

describe('compression view data', () => {
  it('accuracy in percent, nothing drawn for a missing value', () => {
    expect(pct(0.91234)).toBe(91.23);
    expect(pct(null)).toBeNull();
    expect(pct(NaN)).toBeNull();
    expect(bytesLabel(512)).toBe('512 B');
    expect(bytesLabel(203560)).toBe('198.8 KiB');
  });

  it('the pruning curve starts at the dense model (0 %)', () => {
    const r = {
      ...common,
      method: 'pruning',
      schedule: 'oneShot',
      dense: { testLoss: 0, testAccuracy: 0.9 },
      denseBytes: 24,
      rows: [
        {
          sparsity: 0.5,
          oneShot: { testLoss: 0, testAccuracy: 0.8 },
          fineTuned: null,
          layerSparsity: [0.5],
          nonzero: 4,
          sparseBytes: 16,
          masks: [],
        },
      ],
    } as CompressResult;
    expect(pruneCurve(r as Extract<CompressResult, { schedule: 'oneShot' }>)).toEqual([
      { sparsity: 0, oneShot: 90, fineTuned: 90 },
      { sparsity: 50, oneShot: 80, fineTuned: null },
    ]);
  });

  it('transfer: one row per epoch with a column per strategy; the final accuracy per label count', () => {
    const r = {
      ...common,
      method: 'transfer',
      source: { testLoss: 0, testAccuracy: 1 },
      sourceClasses: [0],
      targetClasses: [1],
      runs: [
        { labels: 50, strategy: 'freeze', draw: 0, epochs: epochs([0.5, 0.6]) },
        { labels: 50, strategy: 'scratch', draw: 0, epochs: epochs([0.4, 0.7]) },
        { labels: 200, strategy: 'freeze', draw: 0, epochs: epochs([0.8]) },
      ],
    } as Extract<CompressResult, { method: 'transfer' }>;
    expect(transferCurves(r, 50)).toEqual([
      { epoch: 1, freeze: 50, scratch: 40 },
      { epoch: 2, freeze: 60, scratch: 70 },
    ]);
    expect(transferTable(r)).toEqual([
      {
        labels: 50,
        draws: 1,
        acc: { freeze: 60, scratch: 70 },
        sd: { freeze: null, scratch: null },
        finals: { freeze: [60], scratch: [70] },
      },
      { labels: 200, draws: 1, acc: { freeze: 80 }, sd: { freeze: null }, finals: { freeze: [80] } },
    ]);
  });

  it('transfer over several draws: curves and table show the mean, the spread is the sample sd', () => {
    const r = {
      ...common,
      method: 'transfer',
      source: { testLoss: 0, testAccuracy: 1 },
      sourceClasses: [0],
      targetClasses: [1],
      runs: [
        { labels: 50, strategy: 'finetune', draw: 0, epochs: epochs([0.5, 0.8]) },
        { labels: 50, strategy: 'scratch', draw: 0, epochs: epochs([0.6, 0.7]) },
        { labels: 50, strategy: 'finetune', draw: 1, epochs: epochs([0.7, 0.9]) },
        { labels: 50, strategy: 'scratch', draw: 1, epochs: epochs([0.6, 0.7]) },
      ],
    } as Extract<CompressResult, { method: 'transfer' }>;
    expect(transferCurves(r, 50)).toEqual([
      { epoch: 1, finetune: 60, scratch: 60 },
      { epoch: 2, finetune: 85, scratch: 70 },
    ]);
    // finals 0.8 and 0.9: mean 0.85, sd √((0.05² + 0.05²) / 1) = 0.0707
    expect(transferTable(r)).toEqual([
      {
        labels: 50,
        draws: 2,
        acc: { finetune: 85, scratch: 70 },
        sd: { finetune: 7.07, scratch: 0 },
        finals: { finetune: [80, 90], scratch: [70, 70] },
      },
    ]);
  });
});
