import { beforeAll, describe, expect, it } from 'vitest';
import { specParse, type SurfaceSpec } from '../engine/spec/schema';
import { testingUseCpu } from '../engine/testing';
import { engineApiCreate, type RunDelta } from './engineApi';

beforeAll(testingUseCpu);

const spec = (() => {
  const r = specParse({
    version: 1, kind: 'surface', objective: { name: 'rosenbrock' }, steps: 150,
    runs: [{ optimizer: { name: 'adam', lr: 0.05 } }, { optimizer: { name: 'sgd', lr: 0.01 } }, { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 } }],
  });
  if (!r.ok) throw new Error('bad spec');
  return r.spec as SurfaceSpec;
})();

describe('engine API', () => {
  it('streams deltas that add up to exactly the final result, start point included', async () => {
    const api = engineApiCreate();
    await api.start('cpu');
    const acc = spec.runs.map(() => ({ path: [] as number[][], loss: [] as number[], lr: [] as number[], grad: [] as number[][], distance: [] as number[] }));
    let chunks = 0;
    const result = await api.runSurface(1, spec, null, (_steps, deltas: RunDelta[]) => {
      chunks++;
      for (const d of deltas) {
        const a = acc[d.run];
        a.path.push(...d.path);
        a.loss.push(...d.loss);
        a.lr.push(...d.lr);
        a.grad.push(...d.grad);
        a.distance.push(...d.distance);
      }
    });
    expect(chunks).toBeGreaterThan(2);
    result.runs.forEach((r, i) => {
      // a diverged run is trimmed by the runner; the store trims its copy at divergedAt the same way
      const n = r.status === 'diverged' ? r.divergedAt! : r.path.length;
      expect(acc[i].path.slice(0, n)).toEqual(r.path);
      expect(acc[i].grad.slice(0, r.grad.length)).toEqual(r.grad);
      expect(acc[i].loss.slice(0, r.loss.length)).toEqual(r.loss);
    });
    expect(result.runs[1].status).toBe('diverged');
    expect(api.memory().numTensors).toBeGreaterThanOrEqual(0);
  });

  it('restarts one run alone, and cancels a job on request', async () => {
    const api = engineApiCreate();
    await api.start('cpu');
    const one = await api.runSurface(2, spec, [2], null);
    expect(one.runs).toHaveLength(1);
    const before = api.memory().numTensors;
    const long = { ...spec, steps: 5000 };
    const pending = api.runSurface(3, long, null, () => api.cancel(3));
    const partial = await pending;
    expect(partial.runs[0].path.length).toBeLessThan(5001);
    expect(api.memory().numTensors).toBe(before);
  });
});
