/**
 * Our optimizers against torch.optim trajectories (torchCheck.ts): every point of our float32 path
 * must be within 1e-4 (relative above 1) of PyTorch's. The self-test page runs the same cases on
 * webgpu and webgl (e2e/selftest.spec.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { objectiveParams } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { testingMaxRelError, testingTensorCount, testingUseCpu } from '../testing';
import { optimizerCreate } from '../optimizers/optimizer';
import { OPTIMIZERS, OPTIMIZER_NAMES } from '../optimizers/registry';
import {
  LBFGS_CASES,
  MATRIX_CASES,
  TORCH_CASES as cases,
  lbfgsTrajectory,
  matrixTrajectory,
  optimizerTrajectories as trajectories,
  type TorchCase as Case,
} from './torchOptimizers';

beforeAll(testingUseCpu);

describe('optimizers match torch.optim', () => {
  it('fixtures cover every optimizer and every hyperparameter, over at least 100 steps', () => {
    const seen = new Set(
      [...cases, ...MATRIX_CASES, ...LBFGS_CASES].flatMap((c) => [
        c.optimizer,
        ...Object.keys(c.hyper).map((k) => `${c.optimizer}.${k}`),
      ]),
    );
    for (const name of OPTIMIZER_NAMES) {
      for (const h of OPTIMIZERS[name].hyper) expect(seen).toContain(`${name}.${h.key}`);
    }
    expect(cases.every((c) => c.steps >= 100)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.optimizer} ${JSON.stringify(c.hyper)} on ${c.objective}`, async () => {
      const [ours] = await trajectories(c.optimizer, c.objective, [c]);
      expect(testingMaxRelError(ours, c.path.flat())).toBeLessThan(1e-4);
    });
  }

  for (const c of LBFGS_CASES) {
    it(`lbfgs ${JSON.stringify(c.hyper)} on ${c.objective}: torch's path, losses and evaluations per step`, async () => {
      const before = testingTensorCount();
      const ours = await lbfgsTrajectory(c);
      expect(ours.evaluations).toEqual(c.evaluations);
      expect(testingMaxRelError(ours.path, c.path.flat())).toBeLessThan(1e-4);
      expect(testingMaxRelError(ours.loss, c.loss.slice(0, c.steps))).toBeLessThan(1e-4);
      expect(testingTensorCount()).toBe(before);
    });
  }

  it('the L-BFGS fixtures reach both line-search modes, early stops and evaluations beyond one per step', () => {
    expect(new Set(LBFGS_CASES.map((c) => Boolean(c.hyper.strongWolfe)))).toEqual(new Set([true, false]));
    // the line search evaluates more than once in some step; a tolerance stops some step after one evaluation
    expect(LBFGS_CASES.some((c) => c.hyper.strongWolfe && c.evaluations.some((e) => e > 2))).toBe(true);
    expect(LBFGS_CASES.some((c) => Number(c.hyper.maxIter ?? 20) > 1 && c.evaluations.includes(1))).toBe(true);
  });

  for (const c of MATRIX_CASES) {
    const shape = `${c.W0.length}×${c.W0[0].length}`;
    it(`${c.optimizer} ${JSON.stringify(c.hyper)} on least squares, W ${shape} (a matrix) and b (a vector)`, async () => {
      const before = testingTensorCount();
      const ours = await matrixTrajectory(c);
      expect(testingMaxRelError(ours.loss, c.loss)).toBeLessThan(1e-4);
      expect(testingMaxRelError([...ours.W, ...ours.b], [...c.W.flat(), ...c.b])).toBeLessThan(1e-4);
      expect(testingTensorCount()).toBe(before);
    });
  }

  it("keeps ASGD's averaged parameters as torch does (θ̄ lags θ once t > t₀)", () => {
    const withAverage = cases.filter((c) => c.average);
    expect(new Set(withAverage.map((c) => c.optimizer))).toEqual(
      new Set(OPTIMIZER_NAMES.filter((n) => OPTIMIZERS[n].averaged)),
    );
    let lagging = 0;
    for (const c of withAverage) {
      const opt = optimizerCreate(c.optimizer, [c.hyper]);
      let xy: tf.Tensor2D = tf.tensor2d([c.start]);
      for (let s = 0; s < c.steps; s++) {
        const { value, grad } = objectiveValueAndGrad(c.objective, objectiveParams(c.objective), xy);
        const next = opt.step({ xy }, { xy: grad }, [Number(c.hyper.lr)]).xy as tf.Tensor2D;
        tf.dispose([value, grad, xy]);
        xy = next;
      }
      const average = opt.slot('xy', OPTIMIZERS[c.optimizer].averaged!.slot)!;
      expect(testingMaxRelError(Array.from(average.dataSync()), c.average!)).toBeLessThan(1e-4);
      if (testingMaxRelError(c.average!, c.path[c.steps]) > 1e-3) lagging++;
      tf.dispose([average, xy]);
      opt.dispose();
    }
    // t₀ inside the run: the average is not the last point
    expect(lagging).toBeGreaterThanOrEqual(1);
  });

  it('steps rows with different hyperparameters together, each matching its own torch run', async () => {
    // every optimizer whose fixtures share an objective and options: batch them into one program
    const groups = new Map<string, Case[]>();
    for (const c of cases) {
      const flags = Object.entries(c.hyper)
        .filter(([, v]) => typeof v === 'boolean')
        .map(([k]) => k)
        .join(',');
      const key = `${c.optimizer}|${c.objective}|${flags}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    let batched = 0;
    for (const rows of groups.values()) {
      if (rows.length < 2) continue;
      const paths = await trajectories(rows[0].optimizer, rows[0].objective, rows);
      rows.forEach((c, r) => expect(testingMaxRelError(paths[r], c.path.flat())).toBeLessThan(1e-4));
      batched++;
    }
    // at least sgd on rosenbrock: plain (momentum 0) and momentum 0.9 rows in one batch
    expect(batched).toBeGreaterThanOrEqual(1);
  });

  it('a per-row sweep equals separate runs (adam, 4 learning rates and betas)', async () => {
    const base = cases.find((c) => c.optimizer === 'adam' && c.objective === 'rosenbrock')!;
    const sweep = [0.01, 0.03, 0.05, 0.1].map((lr, i) => ({ ...base, hyper: { lr, beta1: 0.8 + 0.05 * i } }));
    const together = await trajectories('adam', 'rosenbrock', sweep);
    for (const [r, c] of sweep.entries()) {
      const [alone] = await trajectories('adam', 'rosenbrock', [c]);
      expect(testingMaxRelError(together[r], alone)).toBeLessThan(1e-6);
    }
    // the fixture's own setting is reproduced when it sits in a batch
    const [withFixture] = await trajectories('adam', 'rosenbrock', [base, ...sweep]);
    expect(testingMaxRelError(withFixture, base.path.flat())).toBeLessThan(1e-4);
  });

  it('leaks no tensors over 1,000 steps of every batched optimizer', () => {
    const before = testingTensorCount();
    for (const name of OPTIMIZER_NAMES.filter((n) => !OPTIMIZERS[n].closure)) {
      const opt = optimizerCreate(name, [{ lr: 1e-3 }, { lr: 2e-3 }]);
      let xy: tf.Tensor2D = tf.tensor2d([
        [-1.2, 1],
        [0.5, 0.5],
      ]);
      for (let s = 0; s < 1000; s++) {
        const { value, grad } = objectiveValueAndGrad('rosenbrock', {}, xy);
        const next = opt.step({ xy }, { xy: grad }, [1e-3, 2e-3]);
        value.dispose();
        grad.dispose();
        xy.dispose();
        xy = next.xy as tf.Tensor2D;
      }
      xy.dispose();
      opt.dispose();
    }
    expect(testingTensorCount()).toBe(before);
  });

  it('L-BFGS leaks no tensors over 300 steps with a full history that keeps shifting, and is refused as batched rows', async () => {
    const before = testingTensorCount();
    // a history of 3 pairs fills in the first step and shifts on every iteration after it
    const c = {
      ...LBFGS_CASES[0],
      hyper: { strongWolfe: true, historySize: 3, toleranceGrad: 0, toleranceChange: 0, maxIter: 3 },
      objective: 'himmelblau' as const,
      start: [-4, 4] as [number, number],
      steps: 300,
    };
    const ours = await lbfgsTrajectory(c);
    expect(ours.evaluations.length).toBe(300);
    expect(ours.path.every(Number.isFinite)).toBe(true);
    expect(testingTensorCount()).toBe(before);
    expect(() => optimizerCreate('lbfgs', [{}])).toThrow(/closure/);
  });

  it('rejects options that differ between rows stepped together', () => {
    expect(() => optimizerCreate('adam', [{ amsgrad: true }, { amsgrad: false }])).toThrow(/same for every run/);
  });

  it('sgd checks nesterov like torch', () => {
    const check = OPTIMIZERS.sgd.check!;
    expect(check({ lr: 0.1, momentum: 0, dampening: 0, nesterov: true, weightDecay: 0 })?.key).toBe('nesterov');
    expect(check({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true, weightDecay: 0 })?.key).toBe('nesterov');
    expect(check({ lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 })).toBeNull();
  });
});
