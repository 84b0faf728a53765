import { beforeAll, describe, expect, it } from 'vitest';
import { specParse, type SurfaceSpec } from '../engine/spec/schema';
import { testingUseCpu } from '../engine/testing';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { RaceEvent } from '../engine/surface/jobs';
import type { SurfaceResult } from '../engine/surface/runSurface';
import type { TrainEvent } from '../engine/training/jobs';
import type { TrainSpecResult } from '../engine/training/runTrainSpec';
import { engineApiCreate } from './engineApi';

beforeAll(testingUseCpu);

const spec = (() => {
  const r = specParse({
    version: 1,
    kind: 'surface',
    objective: { name: 'rosenbrock' },
    steps: 150,
    runs: [
      { optimizer: { name: 'adam', lr: 0.05 } },
      { optimizer: { name: 'sgd', lr: 0.01 } },
      { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 } },
    ],
  });
  if (!r.ok) throw new Error('bad spec');
  return r.spec as SurfaceSpec;
})();

describe('engine API', () => {
  it('streams deltas that add up to exactly the final result, start point included', async () => {
    const api = engineApiCreate();
    await api.start('cpu');
    const acc = spec.runs.map(() => ({
      path: [] as number[][],
      loss: [] as number[],
      lr: [] as number[],
      grad: [] as number[][],
      distance: [] as number[],
    }));
    let chunks = 0;
    const result = (await api.run(1, 'race', spec, {}, (e) => {
      chunks++;
      for (const d of (e as RaceEvent).deltas) {
        const a = acc[d.run];
        a.path.push(...d.path);
        a.loss.push(...d.loss);
        a.lr.push(...d.lr);
        a.grad.push(...d.grad);
        a.distance.push(...d.distance);
      }
    })) as SurfaceResult;
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
    const one = (await api.run(2, 'race', spec, { options: { only: [2] } }, null)) as SurfaceResult;
    expect(one.runs).toHaveLength(1);
    const before = api.memory().numTensors;
    const long = { ...spec, steps: 5000 };
    let jobsDuring = -1;
    const pending = api.run(3, 'race', long, {}, () => {
      jobsDuring = api.memory().jobs;
      api.cancel(3);
    });
    const partial = (await pending) as SurfaceResult;
    expect(jobsDuring).toBe(1);
    expect(partial.runs[0].path.length).toBeLessThan(5001);
    expect(api.memory()).toMatchObject({ numTensors: before, jobs: 0 });
  });
});

describe('engine API, training', () => {
  const trainSpec = () => {
    const r = specParse({
      version: 1,
      kind: 'train',
      seed: 1,
      data: { name: 'moons', size: 200 },
      model: { hidden: [6] },
      training: { epochs: 3, batchSize: 16 },
      runs: [
        { optimizer: { name: 'adam', lr: 0.01 } },
        { optimizer: { name: 'sgd', lr: 0.1 } },
        { optimizer: { name: 'adam', lr: 0.03 } },
      ],
    });
    if (!r.ok) throw new Error('bad spec');
    return r.spec as TrainSpec;
  };

  it('streams data info, then deltas that add up to the final result for every run', async () => {
    const api = engineApiCreate();
    await api.start('cpu');
    const events: TrainEvent[] = [];
    const result = (await api.run(
      7,
      'train',
      trainSpec(),
      { assetBase: 'http://localhost/', options: { keepWeights: true, live: true } },
      (e) => events.push(e as TrainEvent),
    )) as TrainSpecResult;
    expect(events[0]).toMatchObject({ type: 'data', info: { name: 'moons', train: 160, test: 40, stepsPerEpoch: 10 } });
    const acc = result.runs.map(() => [] as number[]);
    for (const e of events)
      if (e.type === 'progress')
        for (const d of e.deltas) if (d.seed === 0) acc[d.run].splice(d.from, Infinity, ...d.stepLoss);
    result.runs.forEach((r, i) => expect(acc[i]).toEqual(r.stepLoss));
    expect(result.probes!.every((p) => p !== null && p.epoch === 3)).toBe(true);
    expect(result.weights).toHaveLength(3);
  });

  it('pauses, then each Step trains one step of every optimizer group', async () => {
    const api = engineApiCreate();
    await api.start('cpu');
    const seen: TrainEvent[] = [];
    const before = api.memory().numTensors;
    const running = api.run(
      8,
      'train',
      trainSpec(),
      { assetBase: 'http://localhost/', paused: true, options: { live: true } },
      (e) => seen.push(e as TrainEvent),
    ) as Promise<TrainSpecResult>;
    const steps = () => {
      const n = [0, 0, 0];
      for (const e of seen)
        if (e.type === 'progress') for (const d of e.deltas) n[d.run] = Math.max(n[d.run], d.from + d.stepLoss.length);
      return n;
    };
    const settle = () => new Promise((r) => setTimeout(r, 300));
    api.step(8); // pressed before training has even begun: not lost
    await settle();
    expect(steps()).toEqual([1, 1, 1]);
    await settle();
    expect(steps()).toEqual([1, 1, 1]); // and only one
    api.step(8);
    await settle();
    expect(steps()).toEqual([2, 2, 2]);
    api.step(8);
    await settle();
    expect(steps()).toEqual([3, 3, 3]);
    api.pause(8, false);
    const result = await running;
    expect(result.runs.map((r) => r.stepLoss.length)).toEqual([30, 30, 30]);
    expect(api.memory().numTensors).toBe(before);
  });
});
