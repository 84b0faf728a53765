import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { surfaceSpecParseValid } from '../spec/schema';
import { testingUseCpu } from '../testing';
import { surfaceGrid } from './grid';
import { cloudRun, cloudStarts } from './runCloud';
import { surfaceRun } from './runSurface';

beforeAll(testingUseCpu);

const spec = surfaceSpecParseValid;

describe('cloudRun', () => {
  it("steps every particle as its own run would, and finds Himmelblau's four basins", async () => {
    const s = spec({
      objective: { name: 'himmelblau' },
      steps: 200,
      seed: 5,
      runs: [{ optimizer: { name: 'sgd', lr: 0.01 } }, { optimizer: { name: 'adam', lr: 0.1 } }],
    });
    const before = tf.memory().numTensors;
    const cloud = await cloudRun(s, { count: 400, epsilon: 0.05, frames: 11 });
    expect(tf.memory().numTensors).toBe(before);
    expect(cloud.frameSteps).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    const gd = cloud.runs[0];
    expect(gd.frames).toHaveLength(11);
    expect(gd.shareReached).toBeGreaterThan(0.9);
    expect(new Set(gd.basin)).toEqual(new Set([0, 1, 2, 3]));
    // particle 7 of the cloud ends where a single run from its start point ends
    const start: [number, number] = [cloud.starts[14], cloud.starts[15]];
    const alone = await surfaceRun({ ...s, start, runs: [s.runs[0]] });
    const end = alone.runs[0].path[200];
    expect(gd.frames[10][14]).toBeCloseTo(end[0], 4);
    expect(gd.frames[10][15]).toBeCloseTo(end[1], 4);
    // reachedAt agrees with the single run's distance curve
    const firstWithin = alone.runs[0].distance.findIndex((d) => d < 0.05);
    expect(gd.reachedAt[7]).toBe(firstWithin);
  });

  it('leaves an L-BFGS run out of the cloud with the reason, and clouds the other runs as before', async () => {
    const s = spec({
      objective: { name: 'himmelblau' },
      steps: 40,
      seed: 5,
      runs: [{ optimizer: { name: 'lbfgs' } }, { optimizer: { name: 'sgd', lr: 0.01 } }],
    });
    const before = tf.memory().numTensors;
    const cloud = await cloudRun(s, { count: 50, epsilon: 0.05, frames: 5 });
    const alone = await cloudRun({ ...s, runs: [s.runs[1]] }, { count: 50, epsilon: 0.05, frames: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(cloud.runs[0].skipped).toMatch(/L-BFGS is not batched/);
    expect(cloud.runs[0].frames).toHaveLength(0);
    expect(cloud.frameSteps).toEqual(alone.frameSteps);
    expect(cloud.runs[1].frames).toEqual(alone.runs[0].frames);
    expect(cloud.runs[1].skipped).toBeUndefined();
  });

  it('uses the same seeded start points for every run and every backend', () => {
    const s = spec({ objective: { name: 'rosenbrock' }, seed: 9, runs: [{ optimizer: { name: 'sgd' } }] });
    const a = cloudStarts(s, 1000);
    expect(a).toEqual(cloudStarts(s, 1000));
    expect(a).not.toEqual(cloudStarts({ ...s, seed: 10 }, 1000));
    for (let i = 0; i < 1000; i++) {
      expect(a[2 * i]).toBeGreaterThanOrEqual(-2);
      expect(a[2 * i]).toBeLessThanOrEqual(2);
      expect(a[2 * i + 1]).toBeGreaterThanOrEqual(-1);
      expect(a[2 * i + 1]).toBeLessThanOrEqual(3);
    }
  });

  it('runs 10,000 starts per optimizer and counts the diverged ones', async () => {
    const s = spec({
      objective: { name: 'rosenbrock' },
      steps: 30,
      runs: [{ optimizer: { name: 'sgd', lr: 0.01 } }, { optimizer: { name: 'adam', lr: 0.01 } }],
    });
    const cloud = await cloudRun(s, { count: 10_000, epsilon: 0.05, frames: 4 });
    expect(cloud.runs[0].frames[0]).toHaveLength(20_000);
    expect(cloud.runs[0].diverged).toBeGreaterThan(1000); // lr 0.01 is far too large on most of Rosenbrock
    expect(cloud.runs[1].diverged).toBe(0);
  });
});

describe('surfaceGrid', () => {
  it('evaluates the objective over the domain', async () => {
    const g = await surfaceGrid('booth', {}, 5, 3);
    expect(g.values).toHaveLength(15);
    const f = (x: number, y: number) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2;
    expect(g.values[0]).toBeCloseTo(f(-10, -10), 2);
    expect(g.values[2 * 5 + 4]).toBeCloseTo(f(10, 10), 2);
    expect(g.values[1 * 5 + 2]).toBeCloseTo(f(0, 0), 3);
  });
});
