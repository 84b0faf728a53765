import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetSplit } from '../data/dataset';
import { irisLoad } from '../data/iris';
import { modelForward } from '../models/models';
import { modelShape, type ModelShape } from '../models/shape';
import { testingUseCpu } from '../testing';
import { trainRun, type ModelWeights } from '../training/train';
import { last, trainTestConfig, trainTestData, trainTestMlp } from '../training/trainTesting';
import { maskSparsity, pruneMasks } from './prune';
import { compressConfig } from './hooks';
import { quantizeWeight } from './quantize';
import { zhuGuptaSparsity } from './prune';

beforeAll(testingUseCpu);

const zeros = (w: ModelWeights[]) =>
  w.filter((p) => p.name.endsWith('/w')).reduce((n, p) => n + p.values.filter((v) => v === 0).length, 0);
const count = (w: ModelWeights[]) => w.filter((p) => p.name.endsWith('/w')).reduce((n, p) => n + p.values.length, 0);

describe('training with compression', () => {
  const { train, test } = trainTestData('circle', 300);
  const model = trainTestMlp([16, 16]);

  it('fixed masks: pruned weights stay exactly 0 through fine-tuning, at exactly the sparsity asked', async () => {
    const dense = await trainRun(train, test, trainTestConfig(model, [{ name: 'adam', lr: 0.03 }], { epochs: 15 }), {
      keepWeights: true,
    });
    const w = dense.weights![0];
    const layers = w
      .filter((p) => p.name.endsWith('/w'))
      .map((p) => ({ values: p.values, units: p.shape[p.shape.length - 1] }));
    const masks = pruneMasks(layers, 0.7, 'layer');
    const before = tf.memory().numTensors;
    const tuned = await trainRun(
      train,
      test,
      trainTestConfig(model, [{ name: 'adam', lr: 0.01 }], {
        epochs: 5,
        ...compressConfig({ initialWeights: [w], masks: [masks] }),
      }),
      { keepWeights: true },
    );
    expect(tf.memory().numTensors).toBe(before);
    const out = tuned.weights![0].filter((p) => p.name.endsWith('/w'));
    out.forEach((p, l) =>
      p.values.forEach((v, i) => {
        if (masks[l][i] === 0) expect(Math.abs(v)).toBe(0);
      }),
    );
    expect(zeros(tuned.weights![0]) / count(tuned.weights![0])).toBeCloseTo(maskSparsity(masks), 12);
    // and the surviving weights did train
    expect(last(tuned.models[0].epochs).trainLoss).toBeLessThan(tuned.models[0].epochs[0].trainLoss);
  });

  it('gradual pruning on the Zhu & Gupta schedule reaches the final sparsity exactly', async () => {
    const g = { initial: 0, final: 0.8, start: 5, updates: 5, every: 5 };
    const r = await trainRun(
      train,
      test,
      trainTestConfig(model, [{ name: 'adam', lr: 0.03 }], {
        epochs: 6,
        ...compressConfig({ prune: { scope: 'global', sparsityAt: (t) => zhuGuptaSparsity(t, g) } }),
      }),
      { keepWeights: true },
    );
    expect(zeros(r.weights![0]) / count(r.weights![0])).toBeCloseTo(0.8, 2);
    expect(zeros(r.weights![0])).toBe(Math.round(0.8 * count(r.weights![0])));
  });

  it('a layer scale of 0 freezes that layer exactly; frozen everything reproduces the starting model', async () => {
    const a = await trainRun(train, test, trainTestConfig(model, [{ name: 'sgd', lr: 0.1 }], { epochs: 2 }), {
      keepWeights: true,
    });
    const start = a.weights![0];
    const head = await trainRun(
      train,
      test,
      trainTestConfig(model, [{ name: 'sgd', lr: 0.1 }], {
        epochs: 2,
        ...compressConfig({ initialWeights: [start], layerLrScale: [0, 0, 1] }),
      }),
      { keepWeights: true },
    );
    const byName = (ws: ModelWeights[]) => Object.fromEntries(ws.map((p) => [p.name, p.values]));
    const s = byName(start);
    const h = byName(head.weights![0]);
    expect(h['l0/w']).toEqual(s['l0/w']);
    expect(h['l1/b']).toEqual(s['l1/b']);
    expect(h['l2/w']).not.toEqual(s['l2/w']);
    const frozen = await trainRun(
      train,
      test,
      trainTestConfig(model, [{ name: 'sgd', lr: 0.1 }], {
        epochs: 1,
        ...compressConfig({ initialWeights: [start], layerLrScale: [0, 0, 0] }),
      }),
    );
    expect(frozen.models[0].epochs[0].testLoss).toBeCloseTo(last(a.models[0].epochs).testLoss, 5);
  });

  it('quantization-aware training sees only 2-bit weights and still learns', async () => {
    const r = await trainRun(
      train,
      test,
      trainTestConfig(model, [{ name: 'adam', lr: 0.03 }], {
        epochs: 8,
        ...compressConfig({ qat: { bits: 2, scheme: 'affine', perChannel: false } }),
      }),
      { keepWeights: true },
    );
    const epochs = r.models[0].epochs;
    expect(last(epochs).testLoss).toBeLessThan(epochs[0].testLoss);
    // what the forward pass uses: each layer's weights on a grid of at most 4 values
    for (const p of r.weights![0].filter((x) => x.name.endsWith('/w'))) {
      const q = tf.tidy(() =>
        quantizeWeight(tf.tensor(p.values, [1, ...p.shape]), { bits: 2, scheme: 'affine', perChannel: false }),
      );
      expect(new Set(q.dataSync()).size).toBeLessThanOrEqual(4);
      q.dispose();
    }
  });

  it('distillation: a student that is a copy of the teacher has zero soft loss at T = 1', async () => {
    const { train: itr, test: ite } = datasetSplit(irisLoad(), 0.2, 3);
    const mlp = trainTestMlp([8]);
    const t = await trainRun(
      itr,
      ite,
      trainTestConfig(mlp, [{ name: 'adam', lr: 0.05 }], { epochs: 5, batchSize: 30 }),
      { keepWeights: true },
    );
    const shape = modelShape(mlp, itr) as ModelShape;
    const params = Object.fromEntries(t.weights![0].map((p) => [p.name, tf.tensor(p.values, [1, ...p.shape])]));
    const logits = tf.tidy(() => modelForward(shape, params, tf.tensor2d(itr.x, [itr.n, itr.nFeatures])));
    const teacher = { logits: logits.dataSync() as Float32Array, T: 1, alpha: 1 };
    tf.dispose([logits, ...Object.values(params)]);
    const s = await trainRun(
      itr,
      ite,
      trainTestConfig(mlp, [{ name: 'sgd', lr: 1e-9 }], {
        epochs: 1,
        batchSize: 30,
        ...compressConfig({ initialWeights: [t.weights![0]], teacher }),
      }),
    );
    expect(s.models[0].stepLoss[0]).toBeCloseTo(0, 5);
    // from scratch the same loss is large, and training lowers it
    const scratch = await trainRun(
      itr,
      ite,
      trainTestConfig(mlp, [{ name: 'adam', lr: 0.05 }], {
        epochs: 10,
        batchSize: 30,
        ...compressConfig({ teacher: { ...teacher, T: 4, alpha: 0.7 } }),
      }),
    );
    expect(scratch.models[0].stepLoss[0]).toBeGreaterThan(0.1);
    expect(last(scratch.models[0].epochs).testAccuracy).toBeGreaterThan(0.8);
    const logistic = { ...mlp, kind: 'logistic' as const, hidden: [] };
    const twoClass = { logits: new Float32Array(train.n * 2), T: 2, alpha: 0.5 };
    const before = tf.memory().numTensors;
    await expect(
      trainRun(
        train,
        test,
        trainTestConfig(logistic, [{ name: 'adam', lr: 0.01 }], {
          epochs: 1,
          ...compressConfig({ teacher: twoClass }),
        }),
      ),
    ).rejects.toThrow('distillation needs a classifier with a softmax head');
    await expect(
      trainRun(
        train,
        test,
        trainTestConfig(model, [{ name: 'adam', lr: 0.01 }], { epochs: 1, ...compressConfig({ teacher }) }),
      ),
    ).rejects.toThrow("the teacher's logits must be one row of 2 per training row");
    expect(tf.memory().numTensors).toBe(before);
  });
});
