/**
 * Particle cloud: `count` seeded random start points per run, every particle of every run stepping
 * together. Runs that share an optimizer are one batched program of runs × count rows; the rows of one
 * run share its hyperparameters and schedule. The same start points are used for every run, so the
 * comparison is fair.
 *
 * On the device, each step also updates the first step at which each particle came within ε of a
 * global minimum; nothing is read back until the end, apart from snapshots for the animation and,
 * for reduceOnPlateau, the mean loss of each run (its schedule observes the mean).
 */
import * as tf from '@tensorflow/tfjs-core';
import { yielder } from '../yieldPoint';
import { MetricBuffer } from '../metrics/metricBuffer';
import { OBJECTIVES } from '../objectives/registry';
import { OBJECTIVE_FNS, objectiveValueAndGrad } from '../objectives/tensor';
import { optimizerCreate } from '../optimizers/optimizer';
import { OPTIMIZERS, optimizerGroups } from '../optimizers/registry';
import { randomCreate, randomMixSeed, type Rng } from '../random';
import { scheduleCreate } from '../schedules/schedules';
import type { SurfaceSpec } from '../spec/schema';
import { cloudReached } from '../kernels/cloudReached';
import { objectiveGrad } from '../kernels/objectiveGrad';
import { surfaceBound } from './runSurface';

export interface CloudOptions {
  /** start points per run */
  count: number;
  /** a particle has converged once it is within ε of a global minimum */
  epsilon: number;
  /** how many position snapshots to keep for the animation (evenly spaced, start and end included) */
  frames?: number;
  signal?: AbortSignal;
}

export interface CloudRunResult {
  /** position of every particle at each frame: frames[k] is [x0, y0, x1, y1, …] at step frameSteps[k] */
  frames: Float32Array[];
  /** first step at which each particle came within ε of a minimum, −1 if never */
  reachedAt: Int32Array;
  /** index of the minimum each particle ended within ε of, −1 if none, −2 if it diverged */
  basin: Int8Array;
  /** share of particles that reached a minimum */
  shareReached: number;
  /** median step at which the particles that reached a minimum got there (null if none did) */
  medianSteps: number | null;
  /** particles whose values became NaN/Inf or left the bound */
  diverged: number;
  /** why this run has no cloud (an optimizer that cannot step particles as batched rows: L-BFGS) */
  skipped?: string;
}

export interface CloudResult {
  backend: string;
  count: number;
  steps: number;
  /** start points shared by every run: [x0, y0, x1, y1, …] */
  starts: Float32Array;
  frameSteps: number[];
  runs: CloudRunResult[];
}

/** The seeded start points: uniform over the objective's domain. */
export function cloudStarts(spec: SurfaceSpec, count: number): Float32Array {
  const rng = randomCreate(randomMixSeed(spec.seed, 0xc10d));
  const { x, y } = OBJECTIVES[spec.objective.name].domain;
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    out[2 * i] = x[0] + (x[1] - x[0]) * rng.uniform();
    out[2 * i + 1] = y[0] + (y[1] - y[0]) * rng.uniform();
  }
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function cloudRun(spec: SurfaceSpec, options: CloudOptions): Promise<CloudResult> {
  const { count, epsilon } = options;
  const frameCount = Math.max(2, Math.min(options.frames ?? 60, spec.steps + 1));
  const frameSteps = [
    ...new Set(Array.from({ length: frameCount }, (_, k) => Math.round((k * spec.steps) / (frameCount - 1)))),
  ];
  const { name: objectiveName, ...objectiveParams } = spec.objective;
  const minima = OBJECTIVES[objectiveName].minima(objectiveParams);
  const bound = surfaceBound(spec);
  const starts = cloudStarts(spec, count);
  // webgl, webgpu: the gradient and the bookkeeping as one program each (kernels/); cpu: tf ops
  const fused = objectiveGrad.on();

  const results: CloudRunResult[] = [];
  const framesByRun: Float32Array[][] = spec.runs.map(() => []);
  const reachedByRun: Int32Array[] = [];
  const finalByRun: Float32Array[] = [];

  const skipped = new Map<number, string>();
  for (const runs of optimizerGroups(spec.runs.map((r) => r.optimizer))) {
    const def = OPTIMIZERS[spec.runs[runs[0]].optimizer.name];
    if (def.closure) {
      // thousands of particles, each with its own line search and readbacks, one after another: not a cloud
      for (const r of runs)
        skipped.set(
          r,
          `${def.label} is not batched: each step runs its own line search with readbacks, so its particles would step one after another. Race it in the path view instead.`,
        );
      continue;
    }
    const rows = runs.length * count;
    const optimizer = optimizerCreate(
      spec.runs[runs[0]].optimizer.name,
      runs.flatMap((r) => new Array(count).fill(spec.runs[r].optimizer)),
      // each particle's θ = (x, y) is a 1×2 matrix (Muon)
      { vectorsAsMatrices: true },
    );
    const schedules = runs.map((r) =>
      scheduleCreate(spec.runs[r].schedule, Number(spec.runs[r].optimizer.lr), spec.steps),
    );
    const needsMetric = schedules.some((s) => s.needsMetric);
    const rngs: (Rng | null)[] = runs.map((r) =>
      spec.runs[r].noise > 0 ? randomCreate(randomMixSeed(spec.seed, r, 0xc10d)) : null,
    );
    const startRows = new Float32Array(rows * 2);
    runs.forEach((_, k) => startRows.set(starts, k * count * 2));
    let xy: tf.Tensor2D = tf.tensor2d(startRows, [rows, 2]);
    // the first step within ε, as float32 (exact up to 2^24 steps), updated with element-wise kernels only
    let reached: tf.Tensor1D = tf.fill([rows], -1) as tf.Tensor1D;
    const hasMinima = minima.length > 0;
    // the animation's frames and, at the end, where each particle got to: read back once
    const buffer = new MetricBuffer();
    buffer.push('frame', tf.clone(xy));
    const lr = new Float64Array(rows);
    /** reached ← step where a particle is within ε for the first time */
    const markReached = (step: number): void => {
      const next = tf.tidy(() => cloudReached.run({ reached, xy }, { minima, epsilon, step })[0] as tf.Tensor1D);
      reached.dispose();
      reached = next;
    };
    try {
      if (hasMinima) markReached(0);
      const breathe = yielder({ everyStep: tf.getBackend() === 'cpu' });
      for (let step = 0; step < spec.steps; step++) {
        await breathe();
        if (options.signal?.aborted) break;
        runs.forEach((_, k) => lr.fill(schedules[k].lrAt(step), k * count, (k + 1) * count));
        // the value only where a schedule observes it (reduceOnPlateau)
        const { value, grad } = fused
          ? {
              value: needsMetric ? OBJECTIVE_FNS[objectiveName](xy, objectiveParams) : null,
              grad: objectiveGrad.run({ xy }, { objective: objectiveName, params: objectiveParams })[0] as tf.Tensor2D,
            }
          : objectiveValueAndGrad(objectiveName, objectiveParams, xy);
        let gradIn: tf.Tensor2D = grad;
        try {
          if (rngs.some((r) => r !== null)) {
            const noise = new Float32Array(rows * 2);
            rngs.forEach((rng, k) => {
              if (!rng) return;
              const sigma = spec.runs[runs[k]].noise;
              for (let i = k * count * 2; i < (k + 1) * count * 2; i++) noise[i] = sigma * rng.normal();
            });
            gradIn = tf.tidy(() => tf.add(grad, tf.tensor2d(noise, [rows, 2])));
          }
          const next = optimizer.step({ xy }, { xy: gradIn }, lr).xy as tf.Tensor2D;
          xy.dispose();
          xy = next;
          if (needsMetric && value) {
            const means = tf.tidy(() => tf.mean(tf.reshape(value, [runs.length, count]), 1));
            const m = await means.data().finally(() => means.dispose());
            schedules.forEach((s, k) => s.observe(m[k]));
          }
        } finally {
          tf.dispose([grad, gradIn, ...(value ? [value] : [])]); // also when a step fails
        }
        if (hasMinima) markReached(step + 1);
        if (frameSteps.includes(step + 1)) buffer.push('frame', tf.clone(xy));
      }
      buffer.push('reached', tf.clone(reached));
      buffer.push('final', tf.clone(xy));
      const read = await buffer.read();
      const reachedData = Int32Array.from(read.reached[0]);
      const finalData = read.final[0];
      for (const data of read.frame)
        runs.forEach((r, k) => framesByRun[r].push(data.slice(k * count * 2, (k + 1) * count * 2)));
      runs.forEach((r, k) => {
        reachedByRun[r] = reachedData.slice(k * count, (k + 1) * count);
        finalByRun[r] = finalData.slice(k * count * 2, (k + 1) * count * 2);
      });
    } finally {
      buffer.dispose();
      tf.dispose([xy, reached]);
      optimizer.dispose();
    }
  }

  spec.runs.forEach((_, r) => {
    const reason = skipped.get(r);
    if (reason) {
      results.push({
        frames: [],
        reachedAt: new Int32Array(0),
        basin: new Int8Array(0),
        shareReached: 0,
        medianSteps: null,
        diverged: 0,
        skipped: reason,
      });
      return;
    }
    const reachedAt = reachedByRun[r];
    const final = finalByRun[r];
    const basin = new Int8Array(count);
    let diverged = 0;
    const steps: number[] = [];
    for (let i = 0; i < count; i++) {
      const x = final[2 * i];
      const y = final[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > bound || Math.abs(y) > bound) {
        basin[i] = -2;
        diverged++;
        continue;
      }
      let best = -1;
      let bestD = epsilon;
      minima.forEach(([mx, my], m) => {
        const d = Math.hypot(x - mx, y - my);
        if (d < bestD) {
          bestD = d;
          best = m;
        }
      });
      basin[i] = best;
      if (reachedAt[i] >= 0) steps.push(reachedAt[i]);
    }
    results.push({
      frames: framesByRun[r],
      reachedAt,
      basin,
      shareReached: steps.length / count,
      medianSteps: median(steps),
      diverged,
    });
  });
  const framesDone = Math.min(...results.filter((r) => !r.skipped).map((r) => r.frames.length));
  return {
    backend: tf.getBackend(),
    count,
    steps: spec.steps,
    starts,
    frameSteps: frameSteps.slice(0, framesDone),
    runs: results,
  };
}
