/**
 * Cancel reaches every job on the cpu backend, where nothing else yields: the abort is a timer (a
 * macrotask), so it can only fire while a job is running if the job's loop gives the event loop a turn.
 * Each job is long enough to run for many seconds uncancelled; each must come back cancelled, having
 * done only part of its work, with every tensor given back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compress } from './compress/jobs';
import { finder, search, study } from './search/jobs';
import {
  compressSpecParseValid,
  searchSpecParseValid,
  surfaceSpecParseValid,
  trainSpecParseValid,
} from './spec/schema';
import { cloud, race } from './surface/jobs';
import { testingUseCpu } from './testing';
import { train } from './training/jobs';

beforeAll(testingUseCpu);

const noAsset = async () => new Uint8Array();
const base = {
  data: { name: 'spiral', size: 2000 },
  model: { hidden: [64, 64] },
  training: { batchSize: 8, epochs: 200 },
  run: { optimizer: { name: 'adam', lr: 0.01 } },
};

/** Starts a job, cancels it from a timer after `ms`, and returns what it resolved (or rejected) with. */
async function cancelled<R>(start: (signal: AbortSignal) => Promise<R>, ms = 150): Promise<R | Error> {
  const before = tf.memory().numTensors;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  let out: R | Error;
  try {
    out = await start(ac.signal);
  } catch (err) {
    out = err as Error;
  }
  clearTimeout(timer);
  expect(ac.signal.aborted, 'the job ended before the timer could fire: it never yielded').toBe(true);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('Cancel on the cpu backend', () => {
  it('stops a training', async () => {
    const spec = trainSpecParseValid({ data: base.data, model: base.model, training: base.training, runs: [base.run] });
    const r = await cancelled((signal) => train(spec, { signal, loadAsset: noAsset }));
    if (r instanceof Error) throw r;
    expect(r.runs[0].status).toBe('cancelled');
    expect(r.runs[0].epochs.length).toBeLessThan(200);
  });

  it('stops a search, the range test and the batch-size study', async () => {
    const spec = searchSpecParseValid({
      base,
      space: [{ param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' }],
      strategy: { name: 'random', trials: 20, parallel: 2 },
      finder: { steps: 1000 },
      study: { sizes: [1, 2, 4], epochs: 50 },
    });
    const s = await cancelled((signal) => search(spec, { signal, loadAsset: noAsset }));
    if (s instanceof Error) throw s;
    expect(s.cancelled).toBe(true);
    expect(s.trials.filter((t) => t.status === 'done').length).toBeLessThan(20);
    const f = await cancelled((signal) => finder(spec, { signal, loadAsset: noAsset }), 50);
    if (f instanceof Error) throw f;
    expect(f.stop).toBe('cancelled');
    const b = await cancelled((signal) => study(spec, { signal, loadAsset: noAsset }));
    if (b instanceof Error) throw b;
    expect(b.cancelled).toBe(true);
  });

  it('stops a compression study', async () => {
    const spec = compressSpecParseValid({ method: 'pruning', base });
    const r = await cancelled((signal) => compress(spec, { signal, loadAsset: noAsset }));
    expect(r instanceof Error ? r.message : r).toBe('cancelled');
  });

  it('stops a race and a particle cloud', async () => {
    const spec = surfaceSpecParseValid({
      objective: { name: 'rosenbrock' },
      steps: 10000,
      cloud: { count: 20000 },
      runs: Array.from({ length: 8 }, () => ({ optimizer: { name: 'adam', lr: 0.01 } })),
    });
    const r = await cancelled((signal) => race(spec, { signal, loadAsset: noAsset }), 50);
    if (r instanceof Error) throw r;
    expect(r.runs.every((run) => run.status === 'cancelled')).toBe(true);
    const c = await cancelled((signal) =>
      cloud(spec, { signal, loadAsset: noAsset, options: { count: 20000, epsilon: 0.05 } }),
    );
    if (c instanceof Error) throw c;
    expect(c.frameSteps[c.frameSteps.length - 1]).toBeLessThan(10000); // the animation stops where the cloud was cancelled
  });
});
