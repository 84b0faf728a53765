/**
 * Runs a `surface` experiment: each run is an optimizer with its schedule, started at the same point
 * of a 2-D objective. Runs that share an optimizer (and its on/off options) step together as rows of
 * one batched program. Values stay on the device and are read back in chunks (metrics/metricBuffer.ts),
 * never once per step — except for reduceOnPlateau, whose next rate depends on this step's loss.
 *
 * Divergence: a run whose point or loss becomes NaN/Inf, or whose point leaves a sane bound (100×
 * the largest coordinate of the objective's domain), stops there with status "diverged". Its path,
 * loss and lr then hold the d steps before the bad point d; nothing throws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { yielder } from '../yieldPoint';
import { OBJECTIVES, type Point } from '../objectives/registry';
import { OBJECTIVE_FNS, objectiveValueAndGrad } from '../objectives/tensor';
import { MetricBuffer } from '../metrics/metricBuffer';
import type { Status } from '../status';
import { optimizerCreate, type Optimizer } from '../optimizers/optimizer';
import { Lbfgs, type LbfgsClosure, type LbfgsSettings } from '../optimizers/lbfgsStep';
import { OPTIMIZERS, optimizerGroups } from '../optimizers/registry';
import { randomCreate, randomMixSeed, type Rng } from '../random';
import { scheduleCreate, type LrSchedule } from '../schedules/schedules';
import type { SurfaceSpec } from '../spec/schema';

/** running while it computes, then done, diverged or cancelled (status.ts) */
export type RunStatus = Extract<Status, 'running' | 'done' | 'diverged' | 'cancelled'>;

export interface SurfaceRunResult {
  /** steps+1 points, the start included (fewer when the run diverged) */
  path: Point[];
  /** loss[i] = f(path[i]) */
  loss: number[];
  /** lr[i] is the rate used for step i (the step from path[i] to path[i+1]) */
  lr: number[];
  /** grad[i] is the gradient the optimizer was given at step i (noise included) */
  grad: Point[];
  /**
   * average[i]: the optimizer's averaged parameters at path[i] (ASGD's θ̄, schedule-free's x), for
   * optimizers that keep one (OptimizerMeta.averaged); average[0] is the start
   */
  average?: Point[];
  /** evaluations[i]: how many times step i evaluated the function (closure-based optimizers: L-BFGS) */
  evaluations?: number[];
  /** distance[i] from path[i] to the nearest global minimum (empty when there is none) */
  distance: number[];
  status: RunStatus;
  /** the step at which the bad value appeared (path[divergedAt] would be the first bad point) */
  divergedAt?: number;
  /** why it was stopped */
  reason?: string;
}

/** L-BFGS's closure on a 2-D objective: f and its gradient (plus this evaluation's noise, if any) at a point (x, y). */
export function objectiveClosure(
  name: SurfaceSpec['objective']['name'],
  params: Record<string, number>,
  noise: () => tf.Tensor2D | null = () => null,
): LbfgsClosure {
  return async (x) =>
    tf.tidy(() => {
      const { value, grad } = objectiveValueAndGrad(name, params, tf.reshape(x, [1, 2]));
      const n = noise();
      return { loss: value, grad: tf.reshape(n ? tf.add(grad, n) : grad, [2]) as tf.Tensor1D };
    });
}

export interface SurfaceResult {
  backend: string;
  runs: SurfaceRunResult[];
}

export interface SurfaceRunOptions {
  /** steps between readbacks (default 64) */
  chunkSize?: number;
  /** called after each chunk with the number of steps done so far and the results so far */
  onProgress?: (stepsDone: number, runs: readonly SurfaceRunResult[]) => void;
  /** stops the run early; what has been computed is returned */
  signal?: AbortSignal;
  /** compute only these runs (indices into spec.runs), e.g. to restart one; results come in this order */
  only?: number[];
}

interface Group {
  rows: number[];
  /** the batched optimizer of the group's rows, or null for a closure-based one */
  optimizer: Optimizer | null;
  /** one L-BFGS per row (closure-based: each steps on its own), or null */
  lbfgs: Lbfgs[] | null;
  /** the state slot holding the averaged parameters, or null */
  averaged: string | null;
  xy: tf.Tensor2D;
  schedules: LrSchedule[];
  rngs: (Rng | null)[];
  sigmas: number[];
  needsMetric: boolean;
  /** per step of the current chunk: the loss at the point the step started from, the gradient, the new point */
  pending: MetricBuffer;
}

/** Sane bound on coordinates: 100× the largest coordinate of the domain. */
export function surfaceBound(spec: SurfaceSpec): number {
  const { x, y } = OBJECTIVES[spec.objective.name].domain;
  return 100 * Math.max(...x.map(Math.abs), ...y.map(Math.abs));
}

export async function surfaceRun(spec: SurfaceSpec, options: SurfaceRunOptions = {}): Promise<SurfaceResult> {
  const chunkSize = Math.max(1, options.chunkSize ?? 64);
  const { name: objectiveName, ...objectiveParams } = spec.objective;
  const bound = surfaceBound(spec);
  const minima = OBJECTIVES[spec.objective.name].minima(objectiveParams);
  const nearest = (x: number, y: number) =>
    minima.length ? Math.min(...minima.map(([mx, my]) => Math.hypot(x - mx, y - my))) : NaN;
  const results: SurfaceRunResult[] = spec.runs.map((run) => ({
    path: [[...spec.start] as Point],
    loss: [],
    lr: [],
    grad: [],
    ...(OPTIMIZERS[run.optimizer.name].averaged ? { average: [[...spec.start] as Point] } : {}),
    ...(OPTIMIZERS[run.optimizer.name].closure ? { evaluations: [] } : {}),
    distance: minima.length ? [nearest(...spec.start)] : [],
    status: 'running',
  }));
  const selected = options.only ?? spec.runs.map((_, i) => i);

  const alive = spec.runs.map((_, i) => selected.includes(i));
  selected.forEach((i) => {
    if (!spec.runs[i]) throw new Error(`there is no run ${i}`);
  });
  const groups: Group[] = optimizerGroups(
    spec.runs.map((r) => r.optimizer),
    selected,
  ).map((rows) => {
    const schedules = rows.map((r) =>
      scheduleCreate(spec.runs[r].schedule, Number(spec.runs[r].optimizer.lr), spec.steps),
    );
    return {
      rows,
      optimizer: OPTIMIZERS[spec.runs[rows[0]].optimizer.name].closure
        ? null
        : optimizerCreate(
            spec.runs[rows[0]].optimizer.name,
            rows.map((r) => spec.runs[r].optimizer),
            // each run's θ = (x, y) is a 1×2 matrix (Muon)
            { vectorsAsMatrices: true },
          ),
      lbfgs: OPTIMIZERS[spec.runs[rows[0]].optimizer.name].closure
        ? rows.map((r) => new Lbfgs(spec.runs[r].optimizer as unknown as LbfgsSettings))
        : null,
      averaged: OPTIMIZERS[spec.runs[rows[0]].optimizer.name].averaged?.slot ?? null,
      xy: tf.tensor2d(rows.map(() => spec.start)),
      schedules,
      // each run has its own noise stream, so grouping never changes the numbers
      rngs: rows.map((r) => (spec.runs[r].noise > 0 ? randomCreate(randomMixSeed(spec.seed, r)) : null)),
      sigmas: rows.map((r) => spec.runs[r].noise),
      needsMetric: schedules.some((s) => s.needsMetric),
      pending: new MetricBuffer(),
    };
  });

  /** Stops a run at step d: it keeps the d points before the bad one, their losses and the d rates that led there. */
  const markDiverged = (run: number, at: number, reason: string) => {
    alive[run] = false;
    const r = results[run];
    Object.assign(r, { status: 'diverged', divergedAt: at, reason });
    r.path.length = at;
    r.loss.length = at;
    r.lr.length = at;
    r.grad.length = Math.min(r.grad.length, at);
    if (r.average) r.average.length = Math.min(r.average.length, at);
    if (r.evaluations) r.evaluations.length = Math.min(r.evaluations.length, at);
    if (r.distance.length) r.distance.length = at;
  };

  /** Records the loss at point `step` of a run (its point is already in the path). */
  const acceptLoss = (run: number, step: number, loss: number) => {
    if (!alive[run]) return;
    if (Number.isFinite(loss)) results[run].loss.push(loss);
    else markDiverged(run, step, `the loss became ${loss} at step ${step}`);
  };

  /** Records point `step` of a run, unless it is not finite or out of bounds. */
  const acceptPoint = (run: number, step: number, x: number, y: number) => {
    if (!alive[run]) return;
    if (!Number.isFinite(x) || !Number.isFinite(y))
      markDiverged(run, step, `the point became (${x}, ${y}) at step ${step}`);
    else if (Math.abs(x) > bound || Math.abs(y) > bound)
      markDiverged(run, step, `the point left the bound |x|, |y| ≤ ${bound} at step ${step}`);
    else {
      results[run].path.push([x, y]);
      if (minima.length) results[run].distance.push(nearest(x, y));
    }
  };

  /** Reads a group's pending steps back in one go. Pending step k is step chunkStart + k. */
  const flush = async (g: Group, chunkStart: number) => {
    const { loss = [], grad = [], xy = [], average = [] } = await g.pending.read();
    xy.forEach((points, k) => {
      g.rows.forEach((run, i) => {
        acceptLoss(run, chunkStart + k, loss[k][i]);
        if (alive[run]) results[run].grad.push([grad[k][2 * i], grad[k][2 * i + 1]]);
        acceptPoint(run, chunkStart + k + 1, points[2 * i], points[2 * i + 1]);
        if (alive[run] && average[k]) results[run].average?.push([average[k][2 * i], average[k][2 * i + 1]]);
      });
    });
  };

  /** Each row's noise for one gradient: [rows, 2], or null when no row has any. */
  const noiseFor = (g: Group, only?: number): tf.Tensor2D | null => {
    if (!g.rngs.some((r, i) => r !== null && (only === undefined || only === i))) return null;
    const n = only === undefined ? g.rows.length : 1;
    const noise = new Float32Array(n * 2);
    g.rngs.forEach((rng, i) => {
      if (!rng || (only !== undefined && only !== i)) return;
      const k = only === undefined ? i : 0;
      noise[2 * k] = g.sigmas[i] * rng.normal();
      noise[2 * k + 1] = g.sigmas[i] * rng.normal();
    });
    return tf.tensor2d(noise, [n, 2]);
  };

  /** One step of a batched optimizer for every row: the loss and (noisy) gradient at the old point, the new point. */
  const batchedStep = (g: Group, optimizer: Optimizer, lrs: number[]) => {
    const { value, grad } = objectiveValueAndGrad(objectiveName, objectiveParams, g.xy);
    const noise = noiseFor(g);
    let gradIn: tf.Tensor2D = grad;
    if (noise) {
      gradIn = tf.add(grad, noise);
      tf.dispose([grad, noise]);
    }
    const next = optimizer.step({ xy: g.xy }, { xy: gradIn }, lrs).xy as tf.Tensor2D;
    return { value, grad: gradIn, next };
  };

  /** One closure step (L-BFGS) per live row, one row after another; dead rows stay where they are. */
  const closureStep = async (g: Group, lrs: number[]) => {
    const starts = tf.unstack(g.xy) as tf.Tensor1D[];
    const losses = new Float32Array(g.rows.length).fill(NaN);
    const grads: tf.Tensor1D[] = [];
    const points: tf.Tensor1D[] = [];
    try {
      for (let i = 0; i < g.rows.length; i++) {
        const run = g.rows[i];
        if (!alive[run]) {
          grads.push(tf.zeros([2]));
          points.push(tf.clone(starts[i]));
          continue;
        }
        const closure = objectiveClosure(objectiveName, objectiveParams, () => noiseFor(g, i));
        const r = await g.lbfgs![i].step(starts[i], lrs[i], closure);
        losses[i] = r.loss;
        grads.push(r.grad);
        points.push(r.x);
        results[run].evaluations!.push(r.evaluations);
      }
      return {
        value: tf.tensor1d(losses),
        grad: tf.stack(grads) as tf.Tensor2D,
        next: tf.stack(points) as tf.Tensor2D,
      };
    } finally {
      tf.dispose([...starts, ...grads, ...points]);
    }
  };

  let stepsDone = 0;
  let chunkStart = 0;
  const breathe = yielder({ everyStep: tf.getBackend() === 'cpu' });
  try {
    for (let step = 0; step < spec.steps && alive.some(Boolean); step++) {
      await breathe();
      if (options.signal?.aborted) break;
      for (const g of groups) {
        if (!g.rows.some((r) => alive[r])) continue;
        const lrs = g.schedules.map((s) => s.lrAt(step));
        g.rows.forEach((run, i) => alive[run] && results[run].lr.push(lrs[i]));
        const { value, grad: gradIn, next } = g.lbfgs ? await closureStep(g, lrs) : batchedStep(g, g.optimizer!, lrs);
        g.pending.push('loss', value);
        g.pending.push('grad', gradIn);
        g.pending.push('xy', tf.clone(next));
        if (g.averaged) g.pending.push('average', g.optimizer!.slot('xy', g.averaged)!);
        g.xy.dispose();
        g.xy = next;
        if (g.needsMetric) {
          // reduceOnPlateau: the next rate depends on this step's loss, so read it now
          const losses = await value.data();
          g.schedules.forEach((s, i) => s.observe(losses[i]));
        }
      }
      stepsDone = step + 1;
      if (stepsDone - chunkStart === chunkSize) {
        for (const g of groups) await flush(g, chunkStart);
        chunkStart = stepsDone;
        options.onProgress?.(stepsDone, results);
      }
    }
    for (const g of groups) await flush(g, chunkStart);
    // the loss at each run's final point
    for (const g of groups) {
      const value = tf.tidy(() => OBJECTIVE_FNS[objectiveName](g.xy, objectiveParams));
      const losses = await value.data();
      value.dispose();
      g.rows.forEach((run, i) => acceptLoss(run, stepsDone, losses[i]));
    }
    options.onProgress?.(stepsDone, results);
  } finally {
    for (const g of groups) {
      g.pending.dispose();
      g.xy.dispose();
      g.optimizer?.dispose();
      g.lbfgs?.forEach((o) => o.dispose());
    }
  }
  for (const i of selected)
    if (results[i].status === 'running') results[i].status = options.signal?.aborted ? 'cancelled' : 'done';
  return { backend: tf.getBackend(), runs: selected.map((i) => results[i]) };
}
