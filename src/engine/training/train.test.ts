import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testingUseCpu } from '../testing';
import { trainConfigProblem, trainGradClip, trainRun } from './train';
import { trainStepsPerEpoch } from './steps';
import { last, trainTestConfig, trainTestData, trainTestMlp } from './trainTesting';

beforeAll(testingUseCpu);

const data = trainTestData;
const mlp = trainTestMlp;
const config = trainTestConfig;

describe('trainRun', () => {
  it('an MLP on the circle data reaches at least 95% test accuracy', async () => {
    const { train, test } = data('circle');
    const r = await trainRun(train, test, config(mlp([8, 8]), [{ name: 'adam', lr: 0.03 }], { epochs: 30 }));
    expect(last(r.models[0].epochs).testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(last(r.models[0].epochs).testLoss).toBeLessThan(r.models[0].epochs[0].testLoss);
  });

  it('batch size sets the steps per epoch: 1 is SGD, the full set is GD, mini-batches between', async () => {
    const { train, test } = data('gaussians', 120);
    expect(train.n).toBe(90);
    for (const [batch, steps] of [
      [1, 90],
      [32, 3],
      [90, 1],
    ] as const) {
      expect(trainStepsPerEpoch(train.n, batch)).toBe(steps);
      const r = await trainRun(
        train,
        test,
        config({ kind: 'logistic', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'sgd', lr: 0.05 }], {
          batchSize: batch,
          epochs: 2,
        }),
      );
      expect(r.stepsPerEpoch).toBe(steps);
      expect(r.models[0].stepLoss).toHaveLength(2 * steps);
      expect(r.models[0].epochs.map((e) => e.step)).toEqual([steps, 2 * steps]);
    }
  });

  it('the optimizers added in wave 2 each train an MLP (two learning rates per program, one program per optimizer), with no tensors left', async () => {
    const { train, test } = data('circle');
    const runs = [
      { name: 'radam' as const, lr: 0.03 },
      { name: 'lion' as const, lr: 0.003 },
      { name: 'rprop' as const, lr: 0.01 },
      { name: 'asgd' as const, lr: 0.3 },
      { name: 'adafactor' as const, lr: 0.1 },
      { name: 'muon' as const, lr: 0.02 },
      { name: 'schedulefree' as const, lr: 0.02 },
    ];
    expect(trainConfigProblem(config(mlp([8, 8]), runs), train)).toMatch(/one optimizer group, here 7/);
    const before = tf.memory().numTensors;
    for (const run of runs) {
      const r = await trainRun(train, test, config(mlp([8, 8]), [run, { ...run, lr: run.lr / 2 }], { epochs: 30 }));
      expect(tf.memory().numTensors).toBe(before);
      const e = r.models[0].epochs;
      expect(Number.isFinite(last(e).testLoss), run.name).toBe(true);
      expect(last(e).testLoss, run.name).toBeLessThan(0.6 * e[0].testLoss);
      expect(last(e).testAccuracy!, run.name).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('L-BFGS trains an MLP full-batch with a strong-Wolfe line search: more evaluations than steps, no tensors left; K > 1 refused', async () => {
    const { train, test } = data('circle');
    const lbfgs = { name: 'lbfgs' as const, lr: 1, strongWolfe: true, maxIter: 10, maxEval: 15 };
    expect(trainConfigProblem(config(mlp([8, 8]), [lbfgs, lbfgs]), train)).toMatch(/L-BFGS is not batched/);
    const before = tf.memory().numTensors;
    const r = await trainRun(train, test, config(mlp([8, 8]), [lbfgs], { epochs: 15, batchSize: train.n }));
    expect(tf.memory().numTensors).toBe(before);
    const m = r.models[0];
    expect(m.status).toBe('done');
    expect(m.stepLoss).toHaveLength(15);
    // the first steps run their 10 iterations (and line searches); once the gradient is below the
    // tolerance a step evaluates once and stops: more evaluations than steps, fewer than 15 × maxEval
    expect(m.evaluations!).toBeGreaterThan(15 + 10);
    expect(m.evaluations!).toBeLessThan(15 * 15);
    // a quasi-Newton method drives this separable training set's loss to ~0 within a few steps …
    expect(m.stepLoss[3]).toBeLessThan(0.01 * m.stepLoss[0]);
    // … and classifies the test set (its test loss then grows with the weights: overfitting, not divergence)
    expect(last(m.epochs).testAccuracy!).toBeGreaterThanOrEqual(0.9);
  });

  it('K models with K learning rates train in one program exactly as K separate runs', async () => {
    const { train, test } = data('moons');
    const runs = [
      { name: 'adam' as const, lr: 0.003 },
      { name: 'adam' as const, lr: 0.01 },
      { name: 'adam' as const, lr: 0.05 },
    ];
    const together = await trainRun(train, test, config(mlp([6]), runs, { epochs: 5 }));
    for (let k = 0; k < runs.length; k++) {
      const alone = await trainRun(train, test, config(mlp([6]), [runs[k]], { epochs: 5 }));
      together.models[k].epochs.forEach((e, i) => {
        expect(e.testLoss).toBeCloseTo(alone.models[0].epochs[i].testLoss, 5);
        expect(e.trainAccuracy).toBeCloseTo(alone.models[0].epochs[i].trainAccuracy!, 5);
      });
    }
  });

  it('fits the classic y = 2x line down to the noise (σ = 0.5, so MSE ≈ 0.25)', async () => {
    const { train, test } = data('linear', 300, 0.5);
    const r = await trainRun(
      train,
      test,
      config({ kind: 'linear', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'sgd', lr: 0.01 }], {
        batchSize: train.n,
        epochs: 200,
      }),
    );
    const e = last(r.models[0].epochs);
    expect(e.testLoss).toBeGreaterThan(0.15);
    expect(e.testLoss).toBeLessThan(0.4);
    expect(e.testAccuracy).toBeNull();
  });

  it('logistic regression cannot separate xor; an MLP can', async () => {
    const { train, test } = data('xor');
    const logistic = await trainRun(
      train,
      test,
      config({ kind: 'logistic', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'adam', lr: 0.05 }]),
    );
    const deep = await trainRun(train, test, config(mlp([8], 'relu'), [{ name: 'adam', lr: 0.03 }], { epochs: 30 }));
    expect(last(logistic.models[0].epochs).testAccuracy).toBeLessThan(0.7);
    expect(last(deep.models[0].epochs).testAccuracy).toBeGreaterThan(0.9);
  });

  it('marks a model that blows up as diverged at its step, and keeps training the others', async () => {
    const { train, test } = data('linear', 200, 0.5);
    const r = await trainRun(
      train,
      test,
      config(
        { kind: 'linear', hidden: [], activation: 'tanh', init: 'zeros' },
        [
          { name: 'sgd', lr: 0.5 },
          { name: 'sgd', lr: 0.01 },
        ],
        { batchSize: train.n, epochs: 100 },
      ),
    );
    expect(r.models[0].status).toBe('diverged');
    expect(r.models[0].divergedAt).toBeGreaterThan(0);
    expect(r.models[0].stepLoss.every(Number.isFinite)).toBe(true);
    expect(r.models[1].status).toBe('done');
    expect(r.models[1].epochs).toHaveLength(100);
  });

  it('early stopping freezes a model whose test loss stops improving', async () => {
    const { train, test } = data('circle');
    const r = await trainRun(
      train,
      test,
      config(
        mlp([4]),
        [
          { name: 'adam', lr: 0 },
          { name: 'adam', lr: 0.03 },
        ],
        { epochs: 8, patience: 2 },
      ),
    );
    expect(r.models[0]).toMatchObject({ status: 'early-stopped', stoppedAfter: 3 });
    expect(r.models[0].epochs).toHaveLength(3);
    expect(r.models[1].epochs.length).toBeGreaterThan(3);
  });

  it('clips gradients like torch: by value per component, by norm per model', () => {
    const g = { w: tf.tensor3d([[[3, 4]], [[0.3, 0.4]]]) }; // model 0: ‖g‖ = 5, model 1: ‖g‖ = 0.5
    const byNorm = trainGradClip(g, null, 1);
    expect(Array.from(byNorm.w.dataSync())).toEqual([3 / (5 + 1e-6), 4 / (5 + 1e-6), 0.3, 0.4].map(Math.fround));
    const byValue = trainGradClip(g, 0.35, null);
    expect(Array.from(byValue.w.dataSync())).toEqual([0.35, 0.35, 0.3, 0.35].map(Math.fround));
    tf.dispose([g.w, byNorm.w, byValue.w]);
  });

  it('explains settings that cannot train', () => {
    const { train } = data('circle', 100);
    expect(trainConfigProblem(config(mlp([8]), [{ name: 'sgd', lr: 0.1 }], { batchSize: 500 }), train)).toMatch(
      /batch size \(500\) is larger than the training set \(75 rows\)/,
    );
    expect(trainConfigProblem(config(mlp([8, 0]), [{ name: 'sgd', lr: 0.1 }]), train)).toMatch(
      /hidden layer 2 has width 0/,
    );
    expect(
      trainConfigProblem(
        config({ kind: 'linear', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'sgd', lr: 0.1 }]),
        train,
      ),
    ).toMatch(/needs a regression dataset/);
  });

  it('leaks no tensors, and an abort keeps what was trained', async () => {
    const { train, test } = data('spiral', 200);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const r = await trainRun(
      train,
      test,
      config(
        mlp([8, 8]),
        [
          { name: 'rmsprop', lr: 0.01 },
          { name: 'rmsprop', lr: 0.003 },
        ],
        { epochs: 50, l2: 1e-3, l1: 1e-4, clipNorm: 1, clipValue: 5 },
      ),
      {
        signal: controller.signal,
        onEpoch: (models) => models[0].epochs.length === 3 && controller.abort(),
      },
    );
    expect(r.models[0].epochs).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records the gradient norm of each step (checked by hand for linear regression from zero weights)', async () => {
    const { train, test } = data('linear', 200, 0.5);
    const r = await trainRun(
      train,
      test,
      config({ kind: 'linear', hidden: [], activation: 'tanh', init: 'zeros' }, [{ name: 'sgd', lr: 0.01 }], {
        batchSize: train.n,
        epochs: 1,
      }),
    );
    // loss = mean((w·x + b − y)²); at w = b = 0: ∂/∂w = −2·mean(x·y), ∂/∂b = −2·mean(y)
    let xy = 0;
    let y = 0;
    for (let i = 0; i < train.n; i++) {
      xy += train.x[i] * train.y[i];
      y += train.y[i];
    }
    const expected = Math.hypot((-2 * xy) / train.n, (-2 * y) / train.n);
    expect(r.models[0].gradNorm[0]).toBeCloseTo(expected, 3);
  });

  it("an epoch's training loss and accuracy are the batch-size-weighted means of its steps, the loss without the L2 penalty", async () => {
    const { train, test } = data('circle'); // 300 rows, batch 32: nine batches of 32 and one of 12
    const sizes = Array.from({ length: trainStepsPerEpoch(train.n, 32) }, (_, b) => Math.min(32, train.n - 32 * b));
    expect(sizes.at(-1)).toBe(12);
    const mean = (xs: number[]) => xs.reduce((a, v, i) => a + v * sizes[i], 0) / train.n;
    const plain = await trainRun(train, test, config(mlp([8]), [{ name: 'adam', lr: 0.01 }], { epochs: 2 }));
    const m = plain.models[0];
    [0, 1].forEach((e) => {
      const at = e * sizes.length;
      expect(m.epochs[e].trainLoss).toBeCloseTo(mean(m.stepLoss.slice(at, at + sizes.length)), 6);
      expect(m.epochs[e].trainAccuracy).toBeCloseTo(mean(m.stepAccuracy.slice(at, at + sizes.length)), 6);
    });
    const l2 = 0.05;
    const penalised = await trainRun(train, test, config(mlp([8]), [{ name: 'adam', lr: 0.01 }], { epochs: 1, l2 }));
    const p = penalised.models[0];
    // step losses include λ·Σw²; the epoch's training loss does not, like the test loss
    expect(p.epochs[0].trainLoss).toBeLessThan(mean(p.stepLoss) - 0.01);
    expect(plain.models[0].stepLoss[0]).toBeLessThan(p.stepLoss[0]);
  });

  it('update ratios at later steps match ‖w(t+1) − w(t)‖ / ‖w(t)‖ from the weights themselves, measured every step or every 3rd', async () => {
    const { train, test } = data('circle');
    const at = (steps: number, diagnosticsEvery: number) =>
      trainRun(train, test, config(mlp([8, 8]), [{ name: 'adam', lr: 0.05 }], { epochs: 1, maxSteps: steps }), {
        keepWeights: true,
        diagnosticsEvery,
      });
    const weights = await Promise.all([3, 4, 5, 6, 7].map(async (s) => (await at(s, 1)).weights![0]));
    const expected = (t: number, name: string) => {
      const a = weights[t - 3].find((w) => w.name === name)!.values;
      const b = weights[t - 2].find((w) => w.name === name)!.values;
      return Math.hypot(...b.map((v, i) => v - a[i])) / Math.hypot(...a);
    };
    const every = (await at(7, 1)).models[0];
    const third = (await at(7, 3)).models[0];
    ['l0/w', 'l1/w', 'l2/w'].forEach((name, l) => {
      for (const t of [3, 4, 5]) expect(every.updateRatio[t][l]).toBeCloseTo(expected(t, name), 5);
      // every 3rd step: steps 0, 3 and 6 measured (step 3 from ‖w‖ it computes itself), NaN between
      expect(third.updateRatio[3][l]).toBeCloseTo(expected(3, name), 5);
      expect(third.updateRatio[4][l]).toBeNaN();
      expect(third.updateRatio[5][l]).toBeNaN();
    });
    expect(third.gradNorm.map((g) => Number.isNaN(g))).toEqual([false, true, true, false, true, true, false]);
    expect(third.gradNorm[3]).toBeCloseTo(every.gradNorm[3], 5);
    // the losses do not depend on how often the diagnostics are measured
    expect(third.stepLoss).toEqual(every.stepLoss);
  });

  it('records per-layer update ratios ‖Δw‖/‖w‖, which scale with the learning rate for plain SGD', async () => {
    const { train, test } = data('circle');
    const r = await trainRun(
      train,
      test,
      config(
        mlp([8, 8]),
        [
          { name: 'sgd', lr: 0.01 },
          { name: 'sgd', lr: 0.1 },
        ],
        { epochs: 1 },
      ),
    );
    const steps = r.stepsPerEpoch;
    expect(r.models[0].updateRatio).toHaveLength(steps);
    expect(r.models[0].updateRatio[0]).toHaveLength(3);
    r.models[0].updateRatio[0].forEach((ratio, l) => {
      expect(ratio).toBeGreaterThan(0);
      expect(r.models[1].updateRatio[0][l] / ratio).toBeCloseTo(10, 3); // same weights and gradient at step 0
    });
  });

  it('dropout: rate 0 changes nothing; a rate is seeded (same numbers twice) and the MLP still learns', async () => {
    const { train, test } = data('circle');
    const base = await trainRun(train, test, config(mlp([16, 16]), [{ name: 'adam', lr: 0.03 }], { epochs: 5 }));
    const zero = await trainRun(
      train,
      test,
      config(mlp([16, 16]), [{ name: 'adam', lr: 0.03 }], { epochs: 5, dropout: 0 }),
    );
    expect(zero.models[0].stepLoss).toEqual(base.models[0].stepLoss);
    const a = await trainRun(
      train,
      test,
      config(mlp([16, 16]), [{ name: 'adam', lr: 0.03 }], { epochs: 15, dropout: 0.2 }),
    );
    const b = await trainRun(
      train,
      test,
      config(mlp([16, 16]), [{ name: 'adam', lr: 0.03 }], { epochs: 15, dropout: 0.2 }),
    );
    expect(a.models[0].stepLoss).toEqual(b.models[0].stepLoss);
    expect(a.models[0].stepLoss.slice(0, 20)).not.toEqual(base.models[0].stepLoss.slice(0, 20));
    expect(last(a.models[0].epochs).testAccuracy).toBeGreaterThan(0.9);
  });
});
