/** Each lesson shows what its paragraph says: checked on the engine's numbers (CPU backend). */
import { beforeAll, describe, expect, it } from 'vitest';
import { specParse, surfaceSpecParseValid, type SurfaceSpec } from '../engine/spec/schema';
import { cloudRun } from '../engine/surface/runCloud';
import { surfaceRun } from '../engine/surface/runSurface';
import { testingUseCpu } from '../engine/testing';
import { SURFACE_LESSONS, lessonFind } from './surfaceLessons';

beforeAll(testingUseCpu);

const lessonSpec = (id: string): SurfaceSpec => surfaceSpecParseValid(lessonFind(id)!.spec);
const last = (xs: number[]) => xs[xs.length - 1];
/** mean distance to the minimum over the last k points */
const settled = (d: number[], k = 30) => d.slice(-k).reduce((a, b) => a + b, 0) / k;

describe('surface lessons', () => {
  it('there are at least 6, each valid, with an explanation', () => {
    expect(SURFACE_LESSONS.length).toBeGreaterThanOrEqual(6);
    for (const l of SURFACE_LESSONS) {
      expect(specParse({ version: 1, kind: 'surface', ...l.spec }).ok, l.id).toBe(true);
      expect(l.text.length).toBeGreaterThan(200);
    }
  });

  it('valley: GD zig-zags and lags, momentum glides to the minimum', async () => {
    const [gd, momentum] = (await surfaceRun(lessonSpec('valley'))).runs;
    // zig-zag: the coordinate across the valley, v = −x·sin φ + y·cos φ, changes sign on every step
    const across = ([x, y]: [number, number]) => -x * Math.sin(Math.PI / 6) + y * Math.cos(Math.PI / 6);
    const flips = gd.path.slice(1, 30).filter((p, i) => Math.sign(across(p)) !== Math.sign(across(gd.path[i]))).length;
    expect(flips).toBeGreaterThan(20);
    expect(last(momentum.loss)).toBeLessThan(last(gd.loss) / 100);
  });

  it('saddle: GD stalls near the middle while Adam and RMSprop escape', async () => {
    const [gd, adam, rms] = (await surfaceRun(lessonSpec('saddle'))).runs;
    expect(Math.abs(last(gd.path.map((p) => p[1])))).toBeLessThan(0.05);
    expect(Math.abs(adam.path[60][1])).toBeGreaterThan(1);
    expect(Math.abs(rms.path[60][1])).toBeGreaterThan(0.5);
  });

  it('too high: 0.05 converges, 0.19 oscillates but converges, 0.21 diverges', async () => {
    const [slow, edge, over] = (await surfaceRun(lessonSpec('too-high'))).runs;
    expect(slow.status).toBe('done');
    expect(edge.status).toBe('done');
    expect(last(edge.loss)).toBeLessThan(edge.loss[0]);
    expect(over.status).toBe('diverged');
    expect(over.divergedAt).toBeGreaterThan(10);
  });

  it('rosenbrock race: six optimizers, all finite, the adaptive ones ahead of plain Adagrad', async () => {
    const runs = (await surfaceRun(lessonSpec('rosenbrock-race'))).runs;
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    expect(last(runs[4].distance)).toBeLessThan(last(runs[2].distance));
  });

  it('schedules: step and cosine settle closer than a constant rate under noise, whatever the seed', async () => {
    for (const seed of [4, 5, 6]) {
      const [constant, step, cosine] = (await surfaceRun({ ...lessonSpec('schedules'), seed })).runs;
      expect(settled(step.distance)).toBeLessThan(settled(constant.distance) / 2);
      expect(settled(cosine.distance)).toBeLessThan(settled(constant.distance) / 2);
    }
  });

  it("noise: full-batch GD settles, SGD jitters, momentum's path is several times smoother", async () => {
    const pathLength = (p: [number, number][]) =>
      p.slice(-100).reduce((a, q, i, arr) => (i ? a + Math.hypot(q[0] - arr[i - 1][0], q[1] - arr[i - 1][1]) : 0), 0);
    for (const seed of [1, 2, 3]) {
      const [gd, sgd, momentum] = (await surfaceRun({ ...lessonSpec('noise'), seed })).runs;
      expect(settled(gd.distance)).toBeLessThan(1e-3);
      expect(settled(sgd.distance)).toBeGreaterThan(0.05);
      expect(pathLength(momentum.path)).toBeLessThan(pathLength(sgd.path) / 3);
    }
  });

  it('basins: gradient descent from random starts reaches all four minima of Himmelblau', async () => {
    const s = lessonSpec('basins');
    const cloud = await cloudRun({ ...s, runs: [s.runs[0]] }, { count: 1000, epsilon: s.cloud.epsilon, frames: 3 });
    const reached = new Set(cloud.runs[0].basin);
    for (const m of [0, 1, 2, 3]) expect(reached).toContain(m);
  });

  it('lbfgs: the line search gets within 0.001 in 2 steps but ~44 evaluations; by evaluations the others lag', async () => {
    const [wolfe, fixed, adam, momentum] = (await surfaceRun(lessonSpec('lbfgs'))).runs;
    const reach = (d: number[]) => d.findIndex((v) => v < 1e-3);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(reach(wolfe.distance)).toBe(2);
    const wolfeEvals = sum(wolfe.evaluations!.slice(0, 2));
    expect(wolfeEvals).toBeGreaterThanOrEqual(40);
    expect(wolfeEvals).toBeLessThanOrEqual(48);
    // one evaluation a step: its steps are its evaluations
    expect(fixed.evaluations!.every((e) => e === 1)).toBe(true);
    expect(reach(fixed.distance)).toBeGreaterThan(70);
    expect(reach(fixed.distance)).toBeLessThan(85);
    expect(Math.abs(last(adam.distance) - 1.9)).toBeLessThan(0.1);
    expect(Math.abs(last(momentum.distance) - 0.7)).toBeLessThan(0.1);
  });
});
