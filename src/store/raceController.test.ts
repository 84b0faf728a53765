/**
 * The controller must not depend on message order: comlink delivers progress callbacks on their own
 * channel, so the job's result can arrive before its last progress message (seen with the worker).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SurfaceSpec } from '../engine/spec/schema';
import type { SurfaceResult, SurfaceRunResult } from '../engine/surface/runSurface';
import type { RaceEvent, RunDelta } from '../engine/surface/jobs';

/** lets promise chains finish, as the browser does between two messages */
const settle = () => new Promise((r) => setTimeout(r, 0));

type Progress = (steps: number, deltas: RunDelta[]) => void;
const jobs: { spec: SurfaceSpec; only: number[] | null; onProgress: Progress; resolve(r: SurfaceResult): void }[] = [];

vi.mock('../worker/client', () => ({
  engineJob: (
    key: string,
    spec: SurfaceSpec,
    options: { options?: { only?: number[] } },
    onEvent: (e: RaceEvent) => void,
  ) => {
    if (key !== 'race') throw new Error(`unexpected job ${key}`);
    let resolve!: (r: SurfaceResult) => void;
    const result = new Promise<SurfaceResult>((r) => (resolve = r));
    jobs.push({
      spec,
      only: options.options?.only ?? null,
      onProgress: (stepsDone, deltas) => onEvent({ stepsDone, deltas }),
      resolve,
    });
    return { id: jobs.length, result, cancel: vi.fn(), pause: vi.fn(), step: vi.fn() };
  },
  engineGrid: () => new Promise(() => {}),
}));

const { raceControllerStart } = await import('./raceController');
const { useAppStore } = await import('./store');
const { surfaceRunEdit } = await import('./surfaceEdits');
const { runHyperSet } = await import('./runEdits');

const diverged: SurfaceRunResult = {
  path: [
    [0, 0],
    [1, 1],
  ],
  loss: [1, 2],
  lr: [0.1, 0.1],
  grad: [
    [1, 1],
    [2, 2],
  ],
  distance: [],
  status: 'diverged',
  divergedAt: 2,
  reason: 'the point left the bound',
};
const ok = (n: number): SurfaceRunResult => ({
  path: Array.from({ length: n + 1 }, (_, i) => [i, i]),
  loss: Array.from({ length: n + 1 }, () => 1),
  lr: new Array(n).fill(0.1),
  grad: Array.from({ length: n }, () => [0, 0]),
  distance: [],
  status: 'done',
});
const delta = (run: number, r: SurfaceRunResult, from: number): RunDelta => ({
  run,
  path: r.path.slice(from),
  loss: r.loss.slice(from),
  lr: r.lr.slice(from),
  grad: r.grad.slice(from),
  distance: [],
  status: 'running',
});

describe('raceController', () => {
  beforeEach(() => {
    jobs.length = 0;
  });

  it('installs the final result even when the last progress message arrives after it', async () => {
    const stop = raceControllerStart();
    const job = jobs[0];
    const n = job.spec.runs.length;
    // first chunk: one point each, still "ok"
    job.onProgress(
      1,
      job.spec.runs.map((_, i) => delta(i, ok(1), 0)),
    );
    const results = job.spec.runs.map((_, i) => (i === 1 ? diverged : ok(300)));
    job.resolve({ backend: 'cpu', runs: results });
    await settle();
    // the late message (it carried the divergence) comes now: too late to matter, and no harm
    job.onProgress(300, [{ ...delta(1, diverged, 1), status: 'diverged', divergedAt: 2, reason: 'x' }]);
    const race = useAppStore.getState().race;
    expect(race).toHaveLength(n);
    expect(race[1]).toMatchObject({ status: 'diverged', divergedAt: 2, done: true });
    expect(race[0].path).toHaveLength(301);
    expect(race.every((r) => r.done)).toBe(true);
    stop();
  });

  it('restarts only the run whose settings changed, keeping its old path as a ghost', async () => {
    const stop = raceControllerStart();
    const first = jobs[jobs.length - 1];
    first.resolve({ backend: 'cpu', runs: first.spec.runs.map(() => ok(300)) });
    await settle();
    surfaceRunEdit(2, (r) => runHyperSet(r, 'lr', 0.02));
    const restart = jobs[jobs.length - 1];
    expect(restart.only).toEqual([2]);
    const s = useAppStore.getState();
    expect(s.ghosts[2]?.path).toHaveLength(301);
    expect(s.race[2].done).toBe(false);
    expect(s.race[0].done).toBe(true);
    stop();
  });
});
