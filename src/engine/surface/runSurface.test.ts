import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import optimizerFixtures from '../__fixtures__/torch_optimizers.json';
import { surfaceSpecParseValid } from '../spec/schema';
import { testingMaxRelError, testingUseCpu } from '../testing';
import { surfaceRun } from './runSurface';

beforeAll(testingUseCpu);

const spec = surfaceSpecParseValid;

describe('surfaceRun', () => {
  it('returns steps+1 points and losses, steps rates, and reproduces torch (adam on rosenbrock)', async () => {
    const fx = optimizerFixtures.cases.find((c) => c.optimizer === 'adam' && c.objective === 'rosenbrock')!;
    const s = spec({
      objective: { name: 'rosenbrock' },
      start: fx.start,
      steps: fx.steps,
      runs: [{ optimizer: { name: 'adam', lr: 0.05 } }],
    });
    const { backend, runs } = await surfaceRun(s, { chunkSize: 7 });
    expect(backend).toBe('cpu');
    const [run] = runs;
    expect(run.status).toBe('done');
    expect(run.path).toHaveLength(151);
    expect(run.loss).toHaveLength(151);
    expect(run.lr).toHaveLength(150);
    expect(testingMaxRelError(run.path.flat(), fx.path.flat())).toBeLessThan(1e-4);
    expect(testingMaxRelError(run.loss, fx.loss)).toBeLessThan(1e-4);
  });

  it("L-BFGS in a race: torch's path and evaluations per step, one run after another beside a batched adam", async () => {
    const cases = optimizerFixtures.lbfgsCases.filter((c) => c.objective === 'beale');
    const s = spec({
      objective: { name: 'beale' },
      start: cases[0].start,
      steps: Math.min(...cases.map((c) => c.steps)),
      runs: [
        { optimizer: { name: 'lbfgs', ...cases[0].hyper } },
        { optimizer: { name: 'adam', lr: 0.05 } },
        { optimizer: { name: 'lbfgs', ...cases[1].hyper } },
      ],
    });
    const before = tf.memory().numTensors;
    const { runs } = await surfaceRun(s, { chunkSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    for (const [run, c] of [
      [runs[0], cases[0]],
      [runs[2], cases[1]],
    ] as const) {
      expect(run.status).toBe('done');
      expect(run.evaluations).toEqual(c.evaluations.slice(0, s.steps));
      expect(testingMaxRelError(run.path.flat(), c.path.slice(0, s.steps + 1).flat())).toBeLessThan(1e-4);
      expect(testingMaxRelError(run.loss.slice(0, s.steps), c.loss.slice(0, s.steps))).toBeLessThan(1e-4);
    }
    expect(runs[1].evaluations).toBeUndefined();
  });

  it('stops an L-BFGS run whose fixed step sends it off as diverged, keeping its evaluations up to there', async () => {
    const s = spec({
      objective: { name: 'rosenbrock' },
      steps: 50,
      runs: [{ optimizer: { name: 'lbfgs', lr: 10, maxIter: 3 } }],
    });
    const [run] = (await surfaceRun(s)).runs;
    expect(run.status).toBe('diverged');
    expect(run.evaluations!.length).toBeLessThanOrEqual(run.divergedAt!);
    expect(run.path).toHaveLength(run.divergedAt!);
  });

  it('runs different optimizers and schedules side by side, each as if alone', async () => {
    const runsSpec = [
      { optimizer: { name: 'sgd', lr: 5e-4, momentum: 0.9 } },
      { optimizer: { name: 'adam', lr: 0.05 }, schedule: { name: 'cosine' } },
      { optimizer: { name: 'sgd', lr: 1e-3 }, schedule: { name: 'step', stepSize: 10, gamma: 0.5 } },
      { optimizer: { name: 'sgd', lr: 5e-4, momentum: 0.9, nesterov: true } },
    ];
    const together = await surfaceRun(spec({ objective: { name: 'rosenbrock' }, steps: 60, runs: runsSpec }));
    for (let i = 0; i < runsSpec.length; i++) {
      const alone = await surfaceRun(spec({ objective: { name: 'rosenbrock' }, steps: 60, runs: [runsSpec[i]] }));
      expect(testingMaxRelError(together.runs[i].path.flat(), alone.runs[0].path.flat())).toBeLessThan(1e-6);
      expect(together.runs[i].lr).toEqual(alone.runs[0].lr);
    }
    expect(together.runs[2].lr.slice(8, 12)).toEqual([1e-3, 1e-3, 5e-4, 5e-4]);
  });

  it('marks a run that blows up as diverged, with the step, and keeps the others going', async () => {
    const s = spec({
      objective: { name: 'rosenbrock' },
      steps: 200,
      runs: [{ optimizer: { name: 'sgd', lr: 0.01 } }, { optimizer: { name: 'sgd', lr: 1e-3 } }],
    });
    const { runs } = await surfaceRun(s, { chunkSize: 16 });
    const [bad, good] = runs;
    expect(bad.status).toBe('diverged');
    expect(bad.divergedAt).toBeGreaterThan(0);
    expect(bad.reason).toMatch(/step \d+/);
    expect(bad.path).toHaveLength(bad.divergedAt!);
    expect(bad.loss).toHaveLength(bad.divergedAt!);
    expect(bad.lr).toHaveLength(bad.divergedAt!);
    expect(bad.path.flat().every(Number.isFinite)).toBe(true);
    expect(good.status).toBe('done');
    expect(good.path).toHaveLength(201);
  });

  it('stops early once every run has diverged, without throwing', async () => {
    const s = spec({ objective: { name: 'saddle' }, steps: 5000, runs: [{ optimizer: { name: 'sgd', lr: 0.5 } }] });
    const { runs } = await surfaceRun(s);
    expect(runs[0].status).toBe('diverged');
    expect(runs[0].reason).toMatch(/bound/);
    expect(runs[0].path.length).toBeLessThan(100);
  });

  it('adds seeded gradient noise: same seed, same numbers; other seed, other numbers', async () => {
    const doc = {
      objective: { name: 'quadratic' },
      steps: 50,
      runs: [{ optimizer: { name: 'sgd', lr: 0.05 }, noise: 1 }, { optimizer: { name: 'sgd', lr: 0.05 } }],
    };
    const a = await surfaceRun(spec({ ...doc, seed: 1 }));
    const b = await surfaceRun(spec({ ...doc, seed: 1 }));
    const c = await surfaceRun(spec({ ...doc, seed: 2 }));
    expect(a.runs[0].path).toEqual(b.runs[0].path);
    expect(a.runs[0].path).not.toEqual(c.runs[0].path);
    expect(a.runs[0].path).not.toEqual(a.runs[1].path); // the noiseless run is untouched by the noise
    expect(a.runs[1].path).toEqual(c.runs[1].path);
  });

  it('reduceOnPlateau reacts to the loss of each step', async () => {
    const s = spec({
      objective: { name: 'rastrigin' },
      start: [2.6, -3.4],
      steps: 120,
      runs: [
        { optimizer: { name: 'sgd', lr: 0.001 }, schedule: { name: 'reduceOnPlateau', patience: 5, factor: 0.5 } },
      ],
    });
    const { runs } = await surfaceRun(s, { chunkSize: 32 });
    const lr = runs[0].lr;
    expect(lr[0]).toBe(0.001);
    expect(Math.min(...lr)).toBeLessThan(0.001); // stuck in a local minimum: the rate was cut
  });

  it('leaks no tensors over 1,000 steps, nor when aborted', async () => {
    const before = tf.memory().numTensors;
    const s = spec({
      objective: { name: 'himmelblau' },
      steps: 1000,
      runs: [
        { optimizer: { name: 'adam', lr: 0.01 }, noise: 0.1 },
        { optimizer: { name: 'rmsprop', lr: 0.01, centered: true, momentum: 0.5 } },
        { optimizer: { name: 'nadam', lr: 0.01 }, schedule: { name: 'reduceOnPlateau' } },
        { optimizer: { name: 'sgd', lr: 0.5 } },
      ],
    });
    const { runs } = await surfaceRun(s);
    expect(runs[3].status).toBe('diverged');
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    const partial = await surfaceRun(s, {
      chunkSize: 10,
      onProgress: (done) => done >= 30 && controller.abort(),
      signal: controller.signal,
    });
    expect(partial.runs[0].path).toHaveLength(31);
    expect(partial.runs[0].loss).toHaveLength(31);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("records each step's gradient and the distance to the nearest minimum", async () => {
    // Booth: f = (x + 2y − 7)² + (2x + y − 5)²; at (−8, −6): ∇f = (2a + 4b, 4a + 2b) with a = −27, b = −27
    const s = spec({
      objective: { name: 'booth' },
      start: [-8, -6],
      steps: 20,
      runs: [{ optimizer: { name: 'sgd', lr: 0.01 } }],
    });
    const [run] = (await surfaceRun(s)).runs;
    expect(run.grad).toHaveLength(20);
    expect(run.grad[0][0]).toBeCloseTo(-162, 3);
    expect(run.grad[0][1]).toBeCloseTo(-162, 3);
    // plain GD: each step is exactly −lr·grad
    expect(run.path[1][0]).toBeCloseTo(-8 + 0.01 * 162, 4);
    expect(run.distance).toHaveLength(21);
    expect(run.distance[0]).toBeCloseTo(Math.hypot(-9, -9), 5); // minimum at (1, 3)
    run.path.forEach(([x, y], i) => expect(run.distance[i]).toBeCloseTo(Math.hypot(x - 1, y - 3), 5));
  });

  it('recomputes a single run with the same numbers it had in the race (noise included)', async () => {
    const s = spec({
      objective: { name: 'himmelblau' },
      steps: 80,
      seed: 3,
      runs: [
        { optimizer: { name: 'sgd', lr: 0.01 }, noise: 2 },
        { optimizer: { name: 'adam', lr: 0.05 }, noise: 1 },
        { optimizer: { name: 'sgd', lr: 0.005 }, noise: 1 },
      ],
    });
    const all = await surfaceRun(s);
    const one = await surfaceRun(s, { only: [2] });
    expect(one.runs).toHaveLength(1);
    expect(one.runs[0].path).toEqual(all.runs[2].path);
    expect(one.runs[0].grad).toEqual(all.runs[2].grad);
  });
});
