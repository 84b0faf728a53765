import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressSpecParseValid } from '../spec/schema';
import { testingUseCpu } from '../testing';
import { compressRun, compressStages, quantHistograms, type CompressProgress } from './runCompress';

beforeAll(testingUseCpu);

const load = async (p: string) => new Uint8Array(gunzipSync(readFileSync(`public/${p}`)));
/** 400 MNIST digits, 784-16-10, one epoch: each study takes a second or two */
const spec = (doc: Record<string, unknown>) =>
  compressSpecParseValid({
    seed: 1,
    base: {
      data: { name: 'mnist', limit: 400 },
      model: { kind: 'mlp', hidden: [16], activation: 'relu', init: 'he' },
      training: { batchSize: 40, epochs: 2 },
      run: { optimizer: { name: 'adam', lr: 0.01 } },
    },
    fineTune: { epochs: 1, lr: 0.003 },
    ...doc,
  });

describe('quantization grid for the histogram', () => {
  it('holds the values each width can represent, worked out by hand', () => {
    // weights in [-0.35, 0.32]: 2-bit affine: scale = 0.67 / 3, zero point = 0 − round(−0.35 / scale) = 2
    const w = [
      { name: 'l0/w', shape: [2, 2], values: [-0.35, 0.32, 0.1, 0] },
      { name: 'l0/b', shape: [2], values: [0, 0] },
    ];
    const [h] = quantHistograms(w, {
      bits: [2, 8],
      scheme: 'affine',
      perChannel: false,
      activations: false,
      qat: false,
    });
    const g2 = h.grids[0];
    expect(g2.zeroPoint).toBe(2);
    expect(g2.scale).toBeCloseTo(0.67 / 3, 6);
    // q = 0…3 → (q − 2)·s: −0.447 (within half a step of −0.35, where −0.35 rounds to), −0.223, 0, 0.223
    expect(g2.levels.map((v) => Number(v.toFixed(4)))).toEqual(
      [-2, -1, 0, 1].map((k) => Number((k * g2.scale).toFixed(4))),
    );
    expect(h.grids[1].levels.length).toBeGreaterThan(200);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    // per channel: the grid of the widest output unit (unit 0 spans −0.35…0.1, unit 1 spans 0…0.32)
    const [pc] = quantHistograms(w, {
      bits: [2],
      scheme: 'symmetric',
      perChannel: true,
      activations: false,
      qat: false,
    });
    expect(pc.channel).toBe(0);
    expect(pc.grids[0].zeroPoint).toBe(0);
    // symmetric 2 bits: q ∈ [−2, 1], scale = max(|min|, max) / ((qmax − qmin) / 2) = 0.35 / 1.5
    expect(pc.grids[0].scale).toBeCloseTo(0.35 / 1.5, 6);
  });
});

describe('compressRun', () => {
  it('runs each method end to end, reports every stage it announced, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const cases = [
      spec({ method: 'pruning', pruning: { sparsities: [0.5, 0.9] } }),
      spec({ method: 'pruning', pruning: { schedule: 'gradual', scope: 'layer', sparsities: [0.8] } }),
      spec({ method: 'pruning', pruning: { schedule: 'lottery', rounds: 2, rate: 0.5, rewindEpochs: 1 } }),
      spec({ method: 'quantization', quantization: { bits: [8, 2], perChannel: true } }),
      spec({ method: 'distillation', distillation: { student: [4], temperatures: [1, 8], studentRows: 60 } }),
      spec({ method: 'transfer', transfer: { source: [0, 1], target: [2, 3], labels: [20], draws: 2 } }),
    ];
    for (const s of cases) {
      const progress: CompressProgress[] = [];
      const r = await compressRun(s, load, { onProgress: (p) => progress.push(p) });
      const stages = new Set(progress.map((p) => p.stage));
      expect(stages.size).toBe(compressStages(s));
      expect(progress.every((p) => p.stages === compressStages(s))).toBe(true);
      expect(r.backend).toBe('cpu');
      if (r.method === 'pruning' && r.schedule === 'gradual') {
        // the gradual run ends at exactly the layer's target sparsity (per layer scope)
        expect(r.rows[0].layerSparsity.map((v) => Math.round(v * 100))).toEqual([80, 80]);
        expect(r.rows[0].masks[0].length).toBe(784 * 16);
      } else if (r.method === 'pruning' && r.schedule === 'lottery') {
        expect(r.rounds.map((x) => x.sparsity)).toEqual([0.5, 0.75]);
      } else if (r.method === 'pruning') {
        expect(r.rows.map((x) => x.sparsity)).toEqual([0.5, 0.9]);
        expect(r.paramCount).toBe(784 * 16 + 16 + 16 * 10 + 10);
      } else if (r.method === 'quantization') {
        expect(r.study.rows.map((x) => x.bits)).toEqual([8, 2]);
        expect(r.histograms).toHaveLength(2);
        expect(r.histograms[0].channel).not.toBeNull();
      } else if (r.method === 'distillation') {
        expect(r.studentParams).toBe(784 * 4 + 4 + 4 * 10 + 10);
        expect(r.study.softTargets.map((x) => x.T)).toEqual([1, 8]);
        // soft targets flatten as T grows, and each is a distribution
        const top = r.study.softTargets.map((x) => Math.max(...x.probs));
        expect(top[0]).toBeGreaterThan(top[1]);
        r.study.softTargets.forEach((x) => expect(x.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6));
        expect(r.study.scratch).toHaveLength(1);
        expect(r.study.distilled).toHaveLength(1);
        // the teacher learned from all 320 training rows, the students from the first 60: 2 steps of 40 and 20 rows
        expect([r.study.teacherRows, r.study.studentRows]).toEqual([320, 60]);
        expect([r.study.scratch[0].step, r.study.distilled[0].step]).toEqual([2, 2]);
      } else {
        expect(r.runs.map((x) => x.strategy)).toEqual([
          'freeze',
          'finetune',
          'lowerLr',
          'scratch',
          'freeze',
          'finetune',
          'lowerLr',
          'scratch',
        ]);
        expect(r.runs.map((x) => x.draw)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
        expect(r.dataset.classes).toBe(2);
        // the target task holds digits 2 and 3 only, relabelled 0 and 1
        expect(r.targetClasses).toEqual([2, 3]);
        expect(r.dataset.train + r.dataset.test).toBeLessThan(400 / 4);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it("the teacher trains with the base experiment's dropout and L2; the students train as the fine-tune settings say", async () => {
    const distill = (training: Record<string, number>) => {
      const s = spec({ method: 'distillation', distillation: { student: [4], temperatures: [1] } });
      return compressRun({ ...s, base: { ...s.base, training: { ...s.base.training, ...training } } }, load);
    };
    const plain = await distill({});
    const regularised = await distill({ dropout: 0.5, l2: 0.001 });
    if (plain.method !== 'distillation' || regularised.method !== 'distillation')
      throw new Error('expected distillation results');
    expect(regularised.study.teacher.testLoss).not.toBeCloseTo(plain.study.teacher.testLoss, 4);
    // the student from scratch does not see the base's regularisation: the same curve both times
    expect(regularised.study.scratch).toEqual(plain.study.scratch);
  }, 60_000);

  it('students limited to more rows than there are train on all of them, the same as with no limit', async () => {
    const run = (studentRows: number | null) =>
      compressRun(
        spec({ method: 'distillation', distillation: { student: [4], temperatures: [1], studentRows } }),
        load,
      );
    const all = await run(null);
    const over = await run(5000);
    if (all.method !== 'distillation' || over.method !== 'distillation')
      throw new Error('expected distillation results');
    expect(over.study.studentRows).toBe(320);
    expect(over.study.distilled).toEqual(all.study.distilled);
  }, 60_000);

  it('transfer draws: the first is the one-draw study; the next adapts on other rows, the same for every strategy', async () => {
    const run = (draws: number) =>
      compressRun(
        spec({ method: 'transfer', transfer: { source: [0, 1], target: [2, 3], labels: [10], draws } }),
        load,
      );
    const one = await run(1);
    const three = await run(3);
    if (one.method !== 'transfer' || three.method !== 'transfer') throw new Error('expected transfer results');
    expect(three.runs.filter((x) => x.draw === 0)).toEqual(one.runs.map((x) => ({ ...x, draw: 0 })));
    const scratch = three.runs.filter((x) => x.strategy === 'scratch').map((x) => x.epochs[0].testLoss);
    expect(new Set(scratch).size).toBe(3);
  }, 60_000);

  it('a cancelled study stops with "cancelled" and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = compressRun(spec({ method: 'quantization' }), load, {
      signal: controller.signal,
      onProgress: (p) => p.stage >= 1 && controller.abort(),
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('a fine-tuning that diverges is reported as diverged, not as an accuracy', async () => {
    const r = await compressRun(
      spec({
        method: 'quantization',
        base: {
          data: { name: 'mnist', limit: 400 },
          model: { kind: 'mlp', hidden: [16], activation: 'tanh', init: 'xavier' },
          training: { batchSize: 40, epochs: 2 },
          run: { optimizer: { name: 'sgd', lr: 0.1 } },
        },
        fineTune: { epochs: 1, lr: 10 },
        quantization: { bits: [4], qat: true },
      }),
      load,
    );
    if (r.method !== 'quantization') throw new Error(r.method);
    expect(r.study.float.diverged).toBeUndefined();
    const qat = r.study.rows[0].qat!;
    expect(qat.diverged).toBe(true);
    expect(qat.testAccuracy).toBeNull();
  }, 60_000);
});
