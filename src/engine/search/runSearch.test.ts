import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchSpecParseValid } from '../spec/schema';
import { testingUseCpu } from '../testing';
import { searchRun, type SearchTrial } from './runSearch';
import { searchPlan } from './plan';
import { searchTrialSpec, spaceDecode } from './space';

beforeAll(testingUseCpu);

const noAsset = async () => new Uint8Array();
/** circle, 160 rows, a small MLP, 2 epochs of batch 16: a few seconds on the CPU backend */
const small = (strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  searchSpecParseValid({
    seed: 4,
    base: {
      data: { name: 'circle', size: 160 },
      model: { hidden: [6] },
      training: { batchSize: 16, epochs: 2 },
      run: { optimizer: { name: 'sgd', lr: 0.1 } },
    },
    space: [
      { param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' },
      { param: 'optimizer.momentum', min: 0, max: 0.95, scale: 'linear' },
    ],
    strategy,
    ...extra,
  });
const values = (trials: SearchTrial[]) => trials.map((t) => t.value);

describe('search runner', () => {
  it('random search: every trial trains, inside the space, reproducibly, and leaves no tensors', async () => {
    const spec = small({ name: 'random', trials: 6, parallel: 3 });
    const before = tf.memory().numTensors;
    const a = await searchRun(spec, noAsset);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.trials).toHaveLength(6);
    expect(a.trials.map((t) => t.id)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const t of a.trials) {
      expect(t.status).toBe('done');
      expect(t.epochs).toBe(2);
      expect(t.curve).toHaveLength(2);
      expect(t.value).toBe(t.curve[1].testLoss);
      expect(t.params['optimizer.lr']).toBeGreaterThanOrEqual(1e-3);
      expect(t.params['optimizer.lr']).toBeLessThanOrEqual(1);
      expect(t.params['optimizer.momentum']).toBeLessThanOrEqual(0.95);
    }
    const best = a.trials.reduce((b, t) => (t.value! < b.value! ? t : b));
    expect(a.best).toBe(best.id);
    const again = await searchRun(spec, noAsset);
    expect(values(again.trials)).toEqual(values(a.trials));
  });

  it('trials trained as one batched program give the losses of trials trained one at a time', async () => {
    const batched = await searchRun(small({ name: 'random', trials: 5, parallel: 5 }), noAsset);
    const alone = await searchRun(small({ name: 'random', trials: 5, parallel: 1 }), noAsset);
    expect(alone.trials.map((t) => t.params)).toEqual(batched.trials.map((t) => t.params));
    batched.trials.forEach((t, i) => {
      t.curve.forEach((e, j) => expect(e.testLoss).toBeCloseTo(alone.trials[i].curve[j].testLoss, 4));
      t.steps.forEach(([, loss], j) => expect(loss).toBeCloseTo(alone.trials[i].steps[j][1], 4));
    });
  });

  it("searches L-BFGS's learning rate and history: its trials train one model per program, each done", async () => {
    const spec = searchSpecParseValid({
      seed: 4,
      base: {
        data: { name: 'circle', size: 160 },
        model: { hidden: [6] },
        training: { batchSize: 128, epochs: 2 },
        run: { optimizer: { name: 'lbfgs', maxIter: 5, strongWolfe: true } },
      },
      space: [
        { param: 'optimizer.lr', min: 0.1, max: 1, scale: 'log' },
        { param: 'optimizer.historySize', min: 2, max: 20, scale: 'log' },
      ],
      strategy: { name: 'random', trials: 3, parallel: 3 },
    });
    const before = tf.memory().numTensors;
    const r = await searchRun(spec, noAsset);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.trials.map((t) => t.status)).toEqual(['done', 'done', 'done']);
    for (const t of r.trials) {
      expect(Number.isInteger(t.params['optimizer.historySize'])).toBe(true);
      expect(Number.isFinite(t.value)).toBe(true);
    }
  });

  it("rounds every whole-number parameter it decodes, an optimizer's and a schedule's too (they failed validation before)", () => {
    const space = [
      { param: 'optimizer.nsSteps', min: 1, max: 10, scale: 'linear' as const },
      { param: 'schedule.stepSize', min: 1, max: 500, scale: 'log' as const },
      { param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' as const },
    ];
    const v = spaceDecode(space, [0.37, 0.61, 0.5]);
    expect(v['optimizer.nsSteps']).toBe(Math.round(1 + 0.37 * 9));
    expect(v['schedule.stepSize']).toBe(Math.round(Math.exp(0.61 * Math.log(500))));
    expect(Number.isInteger(v['optimizer.lr'])).toBe(false);
  });

  it('a trial with a single-trial spec trains exactly as the train lab would', () => {
    const spec = small({ name: 'random' });
    const ts = searchTrialSpec(spec.base, {
      'optimizer.lr': 0.05,
      'model.width': 12,
      'model.depth': 2,
      'training.batchSize': 8,
    });
    expect(typeof ts).not.toBe('string');
    if (typeof ts === 'string') return;
    expect(ts.runs[0].optimizer.lr).toBe(0.05);
    expect(ts.model.hidden).toEqual([12, 12]);
    expect(ts.training.batchSize).toBe(8);
    expect(searchTrialSpec(spec.base, { 'training.batchSize': 5000 })).toMatch(
      /training.batchSize: 5000 is larger than the training set \(128 rows\)/,
    );
  });

  it('grid search covers the grid; batch sizes and widths that differ train in separate programs', async () => {
    const spec = small(
      { name: 'grid', gridPoints: 2 },
      {
        space: [
          { param: 'optimizer.lr', min: 0.01, max: 0.5, scale: 'log' },
          { param: 'training.batchSize', values: [16, 200] },
        ],
      },
    );
    expect(searchPlan(spec).trials).toBe(4);
    const r = await searchRun(spec, noAsset);
    expect(r.trials.map((t) => [t.params['optimizer.lr'], t.params['training.batchSize']])).toEqual(
      [
        [0.01, 16],
        [0.01, 200],
        [0.5, 16],
        [0.5, 200],
      ].map(([lr, b]) => [expect.closeTo(lr, 10), b]),
    );
    // 200 is more than the 128 training rows: refused with the reason, the others train
    expect(r.trials.map((t) => t.status)).toEqual(['done', 'failed', 'done', 'failed']);
    expect(r.trials[1].message).toMatch(/larger than the training set/);
  });

  it('Bayesian search proposes inside the space after its random start, and diverged trials are marked', async () => {
    const spec = small(
      { name: 'bayes', trials: 7, initial: 4, parallel: 2 },
      {
        space: [{ param: 'optimizer.lr', min: 1e-3, max: 10, scale: 'log' }],
      },
    );
    const r = await searchRun(spec, noAsset);
    expect(r.trials).toHaveLength(7);
    for (const t of r.trials) expect(['done', 'diverged']).toContain(t.status);
    for (const t of r.trials.filter((x) => x.status === 'diverged')) expect(t.value).toBeNull();
    expect(r.evaluations).toHaveLength(7);
  });

  it('successive halving: each rung keeps the best third, the rest are pruned at the epochs they reached', async () => {
    const spec = small({ name: 'sha', trials: 9, maxEpochs: 3, eta: 3, parallel: 9 });
    expect(searchPlan(spec)).toMatchObject({ trials: 9, epochs: 9 * 1 + 3 * 3 });
    const r = await searchRun(spec, noAsset);
    const pruned = r.trials.filter((t) => t.pruned);
    const full = r.trials.filter((t) => t.status === 'done' && t.epochs === 3);
    expect(pruned).toHaveLength(6);
    expect(full).toHaveLength(3);
    pruned.forEach((t) => expect(t.epochs).toBe(1));
    // the survivors were the best three after one epoch
    const firstRung = new Map(r.evaluations.filter((e) => e.epochs === 1).map((e) => [e.trial, e.value!]));
    const worstKept = Math.max(...full.map((t) => firstRung.get(t.id)!));
    pruned.forEach((t) => expect(firstRung.get(t.id)!).toBeGreaterThanOrEqual(worstKept));
    expect(r.evaluations).toHaveLength(12);
  });

  it('cancel keeps the trials that finished and marks the rest', async () => {
    const controller = new AbortController();
    const spec = small({ name: 'random', trials: 6, parallel: 2 });
    const r = await searchRun(spec, noAsset, {
      signal: controller.signal,
      onTrials: (changed) => {
        if (changed.some((t) => t.done === 2)) controller.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.trials.filter((t) => t.status === 'done')).toHaveLength(2);
    expect(r.trials.filter((t) => t.status === 'cancelled')).toHaveLength(4);
  });
});

describe('parameter importance', () => {
  it('η² is 1 for the parameter that decides the score, about 0 for one that does not, by hand for a choice', async () => {
    const { searchImportance } = await import('./importance');
    const space = [
      { param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' as const },
      { param: 'optimizer.momentum', min: 0, max: 1, scale: 'linear' as const },
    ];
    const points = Array.from({ length: 30 }, (_, i) => ({
      params: { 'optimizer.lr': 10 ** (-3 + (3 * i) / 29), 'optimizer.momentum': ((i * 7) % 30) / 30 },
      score: i < 15 ? 0 : 1, // decided by lr alone
    }));
    const [lr, momentum] = searchImportance(space, points);
    // 5 bins of 6: means 0, 0, ½, 1, 1 around ½: between = 6·¼·4 = 6, total = 30·¼ = 7.5
    expect(lr.eta2).toBeCloseTo(0.8, 12);
    expect(momentum.eta2).toBeLessThan(0.2);
    // a choice: groups {1, 3} and {5}: mean 3; between = 2·(2−3)² + 1·(5−3)² = 6; total = 4 + 0 + 4 = 8
    const choice = searchImportance(
      [{ param: 'training.batchSize', min: 8, max: 32, scale: 'log', values: [8, 32] }],
      [
        { params: { 'training.batchSize': 8 }, score: 1 },
        { params: { 'training.batchSize': 8 }, score: 3 },
        { params: { 'training.batchSize': 32 }, score: 5 },
      ],
    );
    expect(choice[0].eta2).toBeCloseTo(6 / 8, 12);
  });
});
