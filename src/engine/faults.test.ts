/**
 * Fault paths give every tensor back: a tfjs kernel made to throw on its Nth call (as a lost GPU
 * context or an out-of-memory allocation would) ends each job with an error, and the tensor count is
 * back where it started.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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
let restore: (() => void) | undefined;
afterEach(() => restore?.());

/** Makes the cpu backend's `name` kernel throw on its nth call from now; returns how many calls it saw. */
function failOn(name: string, nth: number): { calls: () => number } {
  const original = tf.getKernel(name, 'cpu');
  if (!original) throw new Error(`no cpu kernel ${name}`);
  let calls = 0;
  tf.unregisterKernel(name, 'cpu');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      calls += 1;
      if (calls === nth) throw new Error(`injected fault in ${name}`);
      return original.kernelFunc(args);
    },
  });
  restore = () => {
    tf.unregisterKernel(name, 'cpu');
    tf.registerKernel(original);
    restore = undefined;
  };
  return { calls: () => calls };
}

async function leaked(run: () => Promise<unknown>): Promise<{ leaked: number; error: string }> {
  const before = tf.memory().numTensors;
  let error: string;
  try {
    const out = await run();
    error = `no error: ${JSON.stringify(out).slice(0, 300)}`; // the job must fail, not report success
  } catch (err) {
    error = (err as Error).message;
  }
  return { leaked: tf.memory().numTensors - before, error };
}

const base = {
  data: { name: 'circle', size: 200 },
  model: { hidden: [8] },
  training: { batchSize: 32, epochs: 4 },
  run: { optimizer: { name: 'adam', lr: 0.01 } },
};

const trainSpec = () =>
  trainSpecParseValid({
    data: base.data,
    model: base.model,
    training: base.training,
    runs: [base.run, { optimizer: { name: 'sgd', lr: 0.1 } }],
  });

/** Each job, with the kernel to fail in it and at which calls. */
const JOBS: { label: string; kernel: string; calls: number[]; run: () => Promise<unknown> }[] = [
  {
    label: 'training',
    kernel: 'BatchMatMul',
    calls: [1, 7, 40],
    run: () => train(trainSpec(), { loadAsset: noAsset }),
  },
  {
    label: 'training',
    kernel: 'Sqrt', // in Adam's step
    calls: [1, 5],
    run: () => train(trainSpec(), { loadAsset: noAsset }),
  },
  {
    label: 'training with probes',
    kernel: 'BatchMatMul',
    calls: [30, 80],
    run: () => train(trainSpec(), { loadAsset: noAsset, options: { live: true } }),
  },
];
const surface = () =>
  surfaceSpecParseValid({
    objective: { name: 'rosenbrock' },
    steps: 200,
    cloud: { count: 500 },
    runs: [{ optimizer: { name: 'adam', lr: 0.01 } }, { optimizer: { name: 'sgd', lr: 0.001, momentum: 0.9 } }],
  });
JOBS.push(
  {
    label: 'surface race',
    kernel: 'Multiply',
    calls: [1, 50, 700],
    run: () => race(surface(), { loadAsset: noAsset }),
  },
  {
    label: 'particle cloud',
    kernel: 'Multiply',
    calls: [1, 30, 300],
    run: () => cloud(surface(), { loadAsset: noAsset, options: { count: 500, epsilon: 0.05 } }),
  },
);
const searchSpec = () =>
  searchSpecParseValid({
    base: { ...base, training: { batchSize: 32, epochs: 3 } },
    space: [{ param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' }],
    strategy: { name: 'random', trials: 4, parallel: 2 },
    finder: { steps: 40 },
    study: { sizes: [1, 8], epochs: 2 },
  });
JOBS.push(
  {
    label: 'search',
    kernel: 'BatchMatMul',
    calls: [1, 25, 60],
    run: () => search(searchSpec(), { loadAsset: noAsset }),
  },
  {
    label: 'range test',
    kernel: 'BatchMatMul',
    calls: [1, 20],
    run: () => finder(searchSpec(), { loadAsset: noAsset }),
  },
  {
    label: 'batch-size study',
    kernel: 'BatchMatMul',
    calls: [1, 20, 100],
    run: () => study(searchSpec(), { loadAsset: noAsset }),
  },
);
for (const [method, calls] of [
  ['pruning', [10, 50, 90]],
  ['quantization', [10, 40, 75]],
  ['distillation', [10, 30, 55]],
] as const)
  JOBS.push({
    label: `${method} study`,
    kernel: 'BatchMatMul',
    calls: [...calls],
    run: () =>
      compress(compressSpecParseValid({ method, base: { ...base, training: { batchSize: 32, epochs: 2 } } }), {
        loadAsset: noAsset,
      }),
  });

describe('a kernel fault mid-run ends the job with the error and leaks nothing', () => {
  for (const job of JOBS)
    for (const nth of job.calls)
      it(`${job.label}, ${job.kernel} failing on call ${nth}`, async () => {
        const counter = failOn(job.kernel, nth);
        const r = await leaked(job.run);
        expect(counter.calls(), 'the job made fewer calls than the fault needs').toBeGreaterThanOrEqual(nth);
        expect(r.error).toContain('injected fault');
        expect(r.leaked).toBe(0);
      });
});
