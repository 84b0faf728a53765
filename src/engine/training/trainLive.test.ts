/** The training loop's live side: probes, pause/step, per-model batch order, seeds, weights, the CNN. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetSplit } from '../data/dataset';
import { MNIST_ASSET, mnistParse } from '../data/mnist';
import { modelParamCount, modelShape, type ModelShape, type ModelSpec } from '../models/shape';
import type { OptimizerName } from '../optimizers/registry';
import { scheduleWithDefaults } from '../schedules/registry';
import { scheduleCreate } from '../schedules/schedules';
import { specParse } from '../spec/schema';
import type { TrainSpec } from '../spec/trainSchema';
import { testingUseCpu } from '../testing';
import { trainSpecRun } from './runTrainSpec';
import { trainRun, type TrainConfig, type TrainControl } from './train';
import { last, trainTestConfig, trainTestData, trainTestMlp } from './trainTesting';

beforeAll(testingUseCpu);

const data = trainTestData;
const mlp = (hidden: number[]) => trainTestMlp(hidden);
/** short runs: 4 epochs unless a test says otherwise */
const config = (model: ModelSpec, runs: { name: OptimizerName; lr: number }[], rest: Partial<TrainConfig> = {}) =>
  trainTestConfig(model, runs, { epochs: 4, ...rest });

describe('live training', () => {
  it('models with their own batch order train in one program exactly as separate runs with that order', async () => {
    const { train, test } = data('moons');
    const runs = [
      { name: 'adam' as const, lr: 0.01 },
      { name: 'adam' as const, lr: 0.01 },
      { name: 'adam' as const, lr: 0.02 },
    ];
    const seeds = [11, 12, 13];
    const together = await trainRun(train, test, config(mlp([6]), runs, { shuffleSeeds: seeds, initSeeds: [1, 2, 3] }));
    expect(together.models[0].stepLoss).not.toEqual(together.models[1].stepLoss);
    for (let k = 0; k < 3; k++) {
      const alone = await trainRun(train, test, config(mlp([6]), [runs[k]], { seed: seeds[k], initSeeds: [k + 1] }));
      together.models[k].stepLoss.forEach((v, i) => expect(v).toBeCloseTo(alone.models[0].stepLoss[i], 5));
      expect(last(together.models[k].epochs).testLoss).toBeCloseTo(last(alone.models[0].epochs).testLoss, 5);
    }
  });

  it('resting between readbacks (yieldShare) changes when steps run, not what they compute; every readback is still reported', async () => {
    const { train, test } = data('moons');
    const runs = [{ name: 'adam' as const, lr: 0.01 }];
    const steps = (r: { models: { stepLoss: number[] }[] }) => r.models[0].stepLoss;
    const reports: number[][] = [[], []];
    const plain = await trainRun(train, test, config(mlp([6]), runs), {
      onProgress: (_m, _p, step) => reports[0].push(step),
    });
    const rested = await trainRun(train, test, config(mlp([6]), runs), {
      yieldShare: 0.5,
      onProgress: (_m, _p, step) => reports[1].push(step),
    });
    expect(steps(rested)).toEqual(steps(plain));
    expect(rested.models[0].epochs).toEqual(plain.models[0].epochs);
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[0].length).toBeGreaterThan(4);
  });

  it('records the learning rate of every step as the schedule gives it, and batch accuracy in [0, 1]', async () => {
    const { train, test } = data('circle');
    const schedule = scheduleWithDefaults({ name: 'cosine' });
    const r = await trainRun(train, test, config(mlp([8]), [{ name: 'sgd', lr: 0.1 }], { schedules: [schedule] }));
    const total = r.stepsPerEpoch * 4;
    const expected = scheduleCreate(schedule, 0.1, total);
    expect(r.models[0].lr).toHaveLength(total);
    r.models[0].lr.forEach((lr, t) => expect(lr).toBeCloseTo(expected.lrAt(t), 7));
    expect(r.models[0].stepAccuracy).toHaveLength(total);
    expect(r.models[0].stepAccuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
    // the batch accuracy is a multiple of 1/32 (or of 1/last batch size)
    const lastBatch = train.n - (r.stepsPerEpoch - 1) * 32;
    expect(r.models[0].stepAccuracy[0] * 32).toBeCloseTo(Math.round(r.models[0].stepAccuracy[0] * 32), 4);
    expect(r.models[0].stepAccuracy[r.stepsPerEpoch - 1] * lastBatch).toBeCloseTo(
      Math.round(r.models[0].stepAccuracy[r.stepsPerEpoch - 1] * lastBatch),
      4,
    );
  });

  it('probes: the confusion matrix agrees with the test accuracy, histograms count every weight, the boundary is a probability map', async () => {
    const { train, test } = data('circle');
    const r = await trainRun(
      train,
      test,
      config(mlp([8, 4]), [
        { name: 'adam', lr: 0.03 },
        { name: 'adam', lr: 0.005 },
      ]),
      { probes: { grid: 20, bins: 10, samples: 5 } },
    );
    const p = r.probe!;
    expect(p.epoch).toBe(4);
    expect(p.step).toBe(4 * r.stepsPerEpoch);
    for (let k = 0; k < 2; k++) {
      const m = p.confusion![k];
      const total = m.flat().reduce((a, b) => a + b, 0);
      expect(total).toBe(test.n);
      // rows are true classes
      m.forEach((row, c) =>
        expect(row.reduce((a, b) => a + b, 0)).toBe(Array.from(test.y).filter((y) => y === c).length),
      );
      expect((m[0][0] + m[1][1]) / total).toBeCloseTo(last(r.models[k].epochs).testAccuracy!, 5);
      expect(p.histograms[k].map((h) => h.counts.reduce((a, b) => a + b, 0))).toEqual([2 * 8, 8 * 4, 4 * 2]);
      const probs = p.boundary!.probs[k];
      expect(probs).toHaveLength(20 * 20 * 2);
      for (let i = 0; i < 400; i++) expect(probs[2 * i] + probs[2 * i + 1]).toBeCloseTo(1, 5);
      expect(p.samples!.predicted[k]).toHaveLength(5);
      p.samples!.confidence[k].forEach((c) => expect(c).toBeGreaterThanOrEqual(0.5));
    }
  });

  it('probes a 1-D regression with its fitted curve, and keeps trained weights that reproduce it', async () => {
    const { train, test } = data('linear', 300, 0.3);
    const r = await trainRun(
      train,
      test,
      config({ kind: 'linear', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'sgd', lr: 0.05 }], {
        batchSize: 30,
        epochs: 30,
      }),
      {
        probes: {},
        keepWeights: true,
      },
    );
    const w = r.weights![0];
    expect(w.map((p) => [p.name, p.shape])).toEqual([
      ['l0/w', [1, 1]],
      ['l0/b', [1, 1]],
    ]);
    expect(w[0].values[0]).toBeCloseTo(2, 1); // y = 2x + noise
    const { xs, ys } = r.probe!.curve!;
    xs.forEach((x, i) => expect(ys[0][i]).toBeCloseTo(w[0].values[0] * x + w[1].values[0], 4));
    expect(r.probe!.confusion).toBeUndefined();
  });

  it('pauses before a step, takes single steps, resumes, and leaks nothing', async () => {
    const { train, test } = data('circle');
    const before = tf.memory().numTensors;
    let paused = true;
    let budget = 0;
    let release: (() => void) | null = null;
    const control: TrainControl = {
      shouldWait: () => {
        if (!paused) return false;
        if (budget > 0) {
          budget--;
          return false;
        }
        return true;
      },
      wait: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const seen: number[] = [];
    const running = trainRun(train, test, config(mlp([8]), [{ name: 'adam', lr: 0.03 }], { epochs: 2 }), {
      control,
      probes: { intervalMs: 0 },
      onProgress: (models, _probe, step) => seen.push(step, models[0].stepLoss.length),
    });
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(cond()).toBe(true);
    };
    await until(() => release !== null);
    expect(seen).toEqual([0, 0]); // paused before the first step, nothing trained
    for (let s = 1; s <= 2; s++) {
      budget = 1;
      const go = release!;
      release = null;
      go();
      await until(() => release !== null);
      expect(seen.slice(-2)).toEqual([s, s]); // exactly one more step, read back
    }
    paused = false;
    release!();
    const r = await running;
    expect(r.models[0].stepLoss).toHaveLength(2 * r.stepsPerEpoch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a spec with seeds = 3 repeats each run with its own weights and order; seed 0 is the run itself', async () => {
    const parsed = specParse({
      version: 1,
      kind: 'train',
      seed: 2,
      data: { name: 'xor', size: 200 },
      model: { hidden: [6] },
      training: { epochs: 3, seeds: 3 },
      runs: [{ optimizer: { name: 'adam', lr: 0.02 } }, { optimizer: { name: 'sgd', lr: 0.1 } }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const spec = parsed.spec as TrainSpec;
    const r = await trainSpecRun(spec, async () => new Uint8Array());
    const single = await trainSpecRun(
      { ...spec, training: { ...spec.training, seeds: 1 } },
      async () => new Uint8Array(),
    );
    expect(r.seedRuns!.map((s) => s.length)).toEqual([3, 3]);
    for (let i = 0; i < 2; i++) {
      r.runs[i].stepLoss.forEach((v, t) => expect(v).toBeCloseTo(single.runs[i].stepLoss[t], 5));
      expect(r.seedRuns![i][1].stepLoss).not.toEqual(r.seedRuns![i][0].stepLoss);
      expect(r.seedRuns![i][2].stepLoss).not.toEqual(r.seedRuns![i][1].stepLoss);
    }
    expect(single.seedRuns).toBeUndefined();
  });
});

describe('CNN', () => {
  const cnn = (hidden: number[]): ModelSpec => ({ kind: 'cnn', hidden, activation: 'relu', init: 'he' });

  it('has the layer sizes and parameter count worked out by hand, and refuses data that is not an image', () => {
    const shape = modelShape(cnn([8, 16]), {
      task: 'classification',
      nFeatures: 784,
      nClasses: 10,
      image: [28, 28, 1],
    }) as ModelShape;
    // 28 −5+1 = 24 → pool 12; 12 −3+1 = 10 → pool 5; 5·5·16 = 400 features
    expect(shape.layers.map((l) => [l.in, l.out, l.conv?.kernel ?? 0])).toEqual([
      [1, 8, 5],
      [8, 16, 3],
      [400, 10, 0],
    ]);
    expect(modelParamCount(shape)).toBe(5 * 5 * 1 * 8 + 8 + 3 * 3 * 8 * 16 + 16 + 400 * 10 + 10);
    expect(modelShape(cnn([8]), { task: 'classification', nFeatures: 2, nClasses: 2 })).toMatch(
      /a CNN needs image data \(MNIST\); this dataset has 2 features per row/,
    );
    expect(
      modelShape(cnn([4, 4, 4]), { task: 'classification', nFeatures: 784, nClasses: 10, image: [28, 28, 1] }),
    ).toMatch(/1 or 2 conv layers/);
  });

  it('learns real digits, leaks nothing, and K CNNs batched match K separate ones', async () => {
    // small: the tfjs CPU backend's conv filter gradient is slow (~1 s per 64 images); the browser e2e covers more
    const { train, test } = datasetSplit(
      mnistParse(new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`))), 300),
      0.2,
      3,
    );
    const before = tf.memory().numTensors;
    const runs = [
      { name: 'adam' as const, lr: 0.01 },
      { name: 'adam' as const, lr: 0.003 },
    ];
    const together = await trainRun(
      train,
      test,
      config(cnn([2, 4]), runs, { batchSize: 60, epochs: 2, initSeeds: [1, 2] }),
    );
    const losses = together.models[0].epochs.map((e) => e.testLoss);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(losses[1]).toBeLessThan(Math.log(10) - 0.5); // well below chance level (uniform over 10 digits)
    const alone = await trainRun(
      train,
      test,
      config(cnn([2, 4]), [runs[1]], { batchSize: 60, epochs: 1, initSeeds: [2] }),
    );
    alone.models[0].stepLoss.forEach((v, i) => expect(together.models[1].stepLoss[i]).toBeCloseTo(v, 4));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
