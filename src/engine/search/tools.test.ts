import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchSpecParseValid } from '../spec/schema';
import { testingUseCpu } from '../testing';
import { trainTestData, trainTestMlp } from '../training/trainTesting';
import { batchStudyRun, gradientNoise } from './batchStudy';
import { lrFinderRun, lrFinderSmooth, lrFinderSuggest } from './lrFinder';

beforeAll(testingUseCpu);
const noAsset = async () => new Uint8Array();

describe('learning-rate range test', () => {
  it('suggests the steepest descent of the loss against log(lr), before the minimum', () => {
    // loss falls as a logistic in x = log10(lr) centred at −2, then blows up past x = 0
    const xs = Array.from({ length: 81 }, (_, i) => -5 + i * 0.075);
    const loss = xs.map((x) => 2 - 1.5 / (1 + Math.exp(-3 * (x + 2))) + (x > 0 ? 10 * x * x : 0));
    const s = lrFinderSuggest(
      xs.map((x) => 10 ** x),
      loss,
    )!;
    expect(Math.log10(s.steepestLr!)).toBeCloseTo(-2, 1);
    expect(Math.log10(s.minimumLr)).toBeCloseTo(-1, 0); // the minimum sits near x = 0; one tenth of that
  });
  it('the bias-corrected EMA starts at the first value and follows a constant exactly', () => {
    expect(lrFinderSmooth([5, 5, 5])).toEqual([5, 5, 5].map((v) => expect.closeTo(v, 12)));
    expect(lrFinderSmooth([1, 3], 0.5)).toEqual([1, expect.closeTo((0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25), 12)]);
  });
  it('runs on the circle MLP: the rate grows geometrically, it stops once the loss explodes, and the suggestion lies in range', async () => {
    const spec = searchSpecParseValid({
      base: {
        data: { name: 'circle', size: 300 },
        model: { hidden: [8] },
        training: { batchSize: 16 },
        run: { optimizer: { name: 'sgd', lr: 0.1 } },
      },
      space: [{ param: 'optimizer.lr' }],
      finder: { minLr: 1e-4, maxLr: 100, steps: 120 },
    });
    const before = tf.memory().numTensors;
    const r = await lrFinderRun(spec.base, spec.finder, noAsset);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.points[0].lr).toBeCloseTo(1e-4, 10);
    const ratio = r.points[1].lr / r.points[0].lr;
    expect(ratio).toBeCloseTo(1e6 ** (1 / 119), 6);
    expect(['exploded', 'diverged']).toContain(r.stop);
    expect(r.points.length).toBeLessThan(120);
    const s = r.suggestion!;
    expect(s.steepestLr).toBeGreaterThan(1e-4);
    expect(s.steepestLr).toBeLessThan(r.points[r.points.length - 1].lr);
    // the loss there is falling: lower than at the start
    expect(r.points[s.minimum].smoothed).toBeLessThan(r.points[0].smoothed);
  });

  it('stops after exactly `steps` optimizer steps, inside an epoch, when the loss never explodes', async () => {
    const spec = searchSpecParseValid({
      base: {
        data: { name: 'circle', size: 300 },
        model: { hidden: [8] },
        training: { batchSize: 16 },
        run: { optimizer: { name: 'sgd', lr: 0.1 } },
      },
      space: [{ param: 'optimizer.lr' }],
      finder: { minLr: 1e-5, maxLr: 1e-3, steps: 25 },
    });
    const r = await lrFinderRun(spec.base, spec.finder, noAsset); // 240 training rows: 15 steps per epoch
    expect(r.stop).toBe('end');
    expect(r.points).toHaveLength(25);
    expect(r.points[24].lr).toBeCloseTo(1e-3, 9);
  });
});

describe('batch-size study', () => {
  it('the gradient spread falls like (N − B)/(B(N − 1))·σ², measured against per-example gradients', async () => {
    const { train } = trainTestData('moons', 500);
    const before = tf.memory().numTensors;
    // B = 340 of N = 375 rows: drawn without replacement the spread is a tenth of σ²/B (with replacement it would not be)
    const noise = await gradientNoise(train, trainTestMlp([8]), [1, 4, 16, 64, 340, train.n], 3, 48);
    expect(tf.memory().numTensors).toBe(before);
    expect(noise.population).toBe(train.n);
    const [b1, b4, b16, b64, b340, all] = noise.points;
    for (const p of [b1, b4, b16, b64, b340]) {
      expect(p.meanSqDev / p.theory).toBeGreaterThan(0.6);
      expect(p.meanSqDev / p.theory).toBeLessThan(1.5);
    }
    expect(b64.meanSqDev).toBeLessThan(b4.meanSqDev / 8);
    expect(all.meanSqDev).toBe(0);
    expect(all.theory).toBe(0);
  });

  it('every size trains for the same epochs (the same samples); linear scaling scales the rate; sizes above the data are skipped', async () => {
    const spec = searchSpecParseValid({
      base: {
        data: { name: 'circle', size: 200 },
        model: { hidden: [6] },
        training: { batchSize: 16 },
        run: { optimizer: { name: 'sgd', lr: 0.2 } },
      },
      space: [{ param: 'optimizer.lr' }],
      study: { sizes: [4, 16, 160, 1000], epochs: 2, linearScaling: true },
    });
    const before = tf.memory().numTensors;
    const r = await batchStudyRun(spec.base, spec.study, noAsset);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.runs.map((x) => x.batchSize)).toEqual([4, 16, 160]);
    expect(r.runs.map((x) => x.lr)).toEqual([0.05, 0.2, 2].map((v) => expect.closeTo(v, 12)));
    expect(r.runs.map((x) => x.stepsPerEpoch)).toEqual([40, 10, 1]);
    r.runs.forEach((x) => {
      expect(x.epochs).toHaveLength(2);
      expect(x.epochMs).toHaveLength(2);
      expect(x.epochMs[1]).toBeGreaterThanOrEqual(x.epochMs[0]);
    });
    expect(r.skipped).toEqual([{ batchSize: 1000, reason: 'larger than the training set (160 rows)' }]);
    expect(r.cancelled).toBe(false);
    // cancelled after the first size: what finished stays, the spread is not measured
    const controller = new AbortController();
    const c = await batchStudyRun(spec.base, spec.study, noAsset, {
      signal: controller.signal,
      onRun: () => controller.abort(),
    });
    expect(c).toMatchObject({ cancelled: true, noise: null });
    expect(c.runs.map((x) => x.batchSize)).toEqual([4]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
