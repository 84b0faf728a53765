/**
 * The engine benchmarks, in the browser. bench/run.mjs opens this page once per backend
 * (?backend=webgpu|webgl|cpu), waits for `window.benchReady`, then calls `window.bench.<name>(params)`
 * through Playwright and takes the medians. Each call returns plain numbers; nothing here asserts.
 *
 * The baseline of the throughput benchmark is what a tfjs user would write instead: a
 * tf.LayersModel (tfjs-layers) with the same layers, tf.train.adam, the same batch size and data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../../src/engine/backend';
import { backendIsName } from '../../src/engine/backendInfo';
import { datasetSplit, type Dataset } from '../../src/engine/data/dataset';
import { MNIST_ASSET, mnistParse } from '../../src/engine/data/mnist';
import { syntheticMake } from '../../src/engine/data/synthetic';
import { elementwiseStep } from '../../src/engine/kernels/elementwiseStep';
import { OPTIMIZER_NAMES } from '../../src/engine/optimizers/registry';
import { surfaceSpecParseValid } from '../../src/engine/spec/schema';
import { cloudRun } from '../../src/engine/surface/runCloud';
import { throughputRun } from '../throughput';
import { trainRun } from '../../src/engine/training/train';
import { trainTestConfig } from '../../src/engine/training/trainTesting';

const q = new URLSearchParams(location.search);
const out = document.getElementById('out')!;
const log = (s: string) => (out.textContent += `${s}\n`);

let mnist: Dataset | null = null;
async function mnistLoad(): Promise<Dataset> {
  if (mnist) return mnist;
  const res = await fetch(`./${MNIST_ASSET}`);
  if (!res.ok) throw new Error(`${MNIST_ASSET}: HTTP ${res.status}`);
  const bytes = new Uint8Array(
    await new Response(res.body!.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(),
  );
  mnist = mnistParse(bytes);
  return mnist;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** MNIST MLP 784-128-64-10, Adam (lr 0.001), batch 128: `n` digits to train on (and n/4 to test), `epochs` epochs. */
async function throughput({
  impl,
  n = 2048,
  epochs = 2,
  fused = true,
}: {
  impl: 'ours' | 'fit';
  n?: number;
  epochs?: number;
  fused?: boolean;
}) {
  const all = await mnistLoad();
  elementwiseStep.enable(fused); // false: the optimizer in tf ops (for before/after figures)
  const { train, test } = datasetSplit(
    {
      ...all,
      n: Math.round(n * 1.25),
      x: all.x.subarray(0, Math.round(n * 1.25) * 784),
      y: all.y.subarray(0, Math.round(n * 1.25)),
    },
    0.2,
    1,
  );
  return throughputRun(impl, train, test, epochs);
}

/** 16 learning rates of the circle MLP (2-8-8-2, Adam, batch 32, 5 epochs): one batched program, or 16 runs one after another. */
async function sweep({ mode, runs = 16 }: { mode: 'batched' | 'sequential'; runs?: number }) {
  const { train, test } = datasetSplit(syntheticMake('circle', { size: 400, noise: 0.2, seed: 1 }), 0.2, 7);
  const lrs = Array.from({ length: runs }, (_, i) => 10 ** (-4 + (4 * i) / (runs - 1)));
  const cfg = (rates: number[]) =>
    trainTestConfig(
      { kind: 'mlp', hidden: [8, 8], activation: 'relu', init: 'he' },
      rates.map((lr) => ({ name: 'adam' as const, lr })),
      { batchSize: 32, epochs: 5 },
    );
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const finalLoss: number[] = [];
  if (mode === 'batched') {
    const r = await trainRun(train, test, cfg(lrs));
    r.models.forEach((m) => finalLoss.push(m.epochs.at(-1)?.testLoss ?? NaN));
  } else {
    for (const lr of lrs)
      finalLoss.push((await trainRun(train, test, cfg([lr]))).models[0].epochs.at(-1)?.testLoss ?? NaN);
  }
  return {
    mode,
    backend: tf.getBackend(),
    runs,
    seconds: seconds(t0),
    finalLoss,
    tensorsLeft: tf.memory().numTensors - before,
  };
}

/** Every optimizer (8) from `count` seeded starts on Rosenbrock, `steps` steps: seconds per step. */
async function cloud({
  count,
  steps = 200,
  optimizers = OPTIMIZER_NAMES,
}: {
  count: number;
  steps?: number;
  optimizers?: readonly string[];
}) {
  const spec = surfaceSpecParseValid({
    objective: { name: 'rosenbrock' },
    steps,
    seed: 2,
    runs: optimizers.map((name) => ({ optimizer: { name, lr: name === 'sgd' ? 0.0005 : 0.01 } })),
  });
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const r = await cloudRun(spec, { count, epsilon: 0.05, frames: 20 });
  const s = seconds(t0);
  return {
    count,
    optimizers: spec.runs.length,
    backend: tf.getBackend(),
    steps,
    seconds: s,
    msPerStep: (1000 * s) / steps,
    reached: r.runs.map((x) => x.shareReached),
    tensorsLeft: tf.memory().numTensors - before,
  };
}

/**
 * 5,000 training steps of the circle MLP (batch 8: 40 steps an epoch, 125 epochs) with the live
 * readbacks and probes the lab uses; tf.memory() is sampled after every epoch and compared with the start.
 */
async function memory({ steps = 5000 }: { steps?: number }) {
  const { train, test } = datasetSplit(syntheticMake('circle', { size: 400, noise: 0.2, seed: 1 }), 0.2, 7);
  const batchSize = 8;
  const epochs = Math.ceil(steps / Math.ceil(train.n / batchSize));
  const start = tf.memory();
  const during = { tensors: [Infinity, -Infinity], bytes: [Infinity, -Infinity] };
  let samples = 0;
  const t0 = performance.now();
  const r = await trainRun(
    train,
    test,
    trainTestConfig({ kind: 'mlp', hidden: [8, 8], activation: 'relu', init: 'he' }, [{ name: 'adam', lr: 0.01 }], {
      batchSize,
      epochs,
      maxSteps: steps,
    }),
    {
      probes: { grid: 40 },
      // sampled at the end of each epoch, so every sample is taken at the same point of the loop
      // (within an epoch the batch order is one tensor more)
      onEpoch: () => {
        const m = tf.memory();
        during.tensors = [Math.min(during.tensors[0], m.numTensors), Math.max(during.tensors[1], m.numTensors)];
        during.bytes = [Math.min(during.bytes[0], m.numBytes), Math.max(during.bytes[1], m.numBytes)];
        samples++;
      },
    },
  );
  const end = tf.memory();
  return {
    backend: tf.getBackend(),
    steps: r.models[0].stepLoss.length,
    seconds: seconds(t0),
    samples,
    start: { tensors: start.numTensors, bytes: start.numBytes },
    end: { tensors: end.numTensors, bytes: end.numBytes },
    during: {
      tensorsMin: during.tensors[0],
      tensorsMax: during.tensors[1],
      bytesMin: during.bytes[0],
      bytesMax: during.bytes[1],
    },
  };
}

/**
 * GPU programs per step, by program class (the count behind the README's "programs per step"): wraps
 * the backend's runWebGLProgram (webgl) or runWebGPUProgram (webgpu) while a workload runs after a
 * warm-up. `train`: our loop on the throughput setup, `epochs` epochs of `n` digits. `cloud`: the
 * particle cloud (8 optimizers on Rosenbrock) with `count` starts for `steps` steps. Unminified builds
 * keep the class names (bench/programs.mjs).
 */
async function programs({
  workload = 'train',
  n = 1024,
  epochs = 4,
  count = 1,
  steps = 50,
  optimizers,
}: {
  workload?: 'train' | 'cloud';
  n?: number;
  epochs?: number;
  count?: number;
  steps?: number;
  optimizers?: string[];
}) {
  type Run = (program: object, ...rest: unknown[]) => unknown;
  const backend = tf.backend() as unknown as Record<string, Run | undefined>;
  const method = { webgl: 'runWebGLProgram', webgpu: 'runWebGPUProgram' }[tf.getBackend()];
  const original = method ? backend[method] : undefined;
  if (!method || !original) throw new Error('programs: counts GPU programs, so it needs the webgl or webgpu backend');
  const run =
    workload === 'cloud'
      ? () => cloud({ count, steps, optimizers })
      : (k: number, e: number) => throughput({ impl: 'ours', n: k, epochs: e });
  await run(512, 1);
  const counts: Record<string, number> = {};
  backend[method] = function (this: unknown, program: object, ...rest: unknown[]) {
    const name = `${program.constructor.name}${(program as { packedOutput?: boolean }).packedOutput ? ' (packed)' : ''}`;
    counts[name] = (counts[name] ?? 0) + 1;
    return original.call(this, program, ...rest);
  };
  try {
    await run(n, epochs);
  } finally {
    backend[method] = original;
  }
  const stepCount = workload === 'cloud' ? steps : Math.ceil(n / 128) * epochs;
  return {
    backend: tf.getBackend(),
    workload,
    steps: stepCount,
    perStep: Object.values(counts).reduce((a, b) => a + b, 0) / stepCount,
    counts,
  };
}

const bench = { throughput, sweep, cloud, memory, programs };
Object.assign(window, { bench });
(async () => {
  const requested = q.get('backend');
  const report = await backendSelect(backendIsName(requested) ? requested : undefined);
  log(`backend ${report.active}`);
  Object.assign(window, { benchReady: { backend: report.active, skipped: report.skipped } });
})().catch((err) => Object.assign(window, { benchReady: { error: String(err) } }));
