/**
 * What the engine offers the UI, as plain data in and out. The same object runs inside the module
 * Web Worker (engine.worker.ts, through comlink) and, when no worker can start, on the main thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../engine/backend';
import { backendIsName, type BackendReport } from '../engine/backendInfo';
import { compressRun, type CompressProgress, type CompressResult } from '../engine/compress/runCompress';
import type { CompressSpec } from '../engine/spec/compressSchema';
import { batchStudyRun, type BatchStudyResult, type BatchStudyRun } from '../engine/search/batchStudy';
import { lrFinderRun, type LrFinderPoint, type LrFinderResult } from '../engine/search/lrFinder';
import { searchRun, type SearchProgress, type SearchResult, type SearchTrial } from '../engine/search/runSearch';
import type { SurfaceSpec } from '../engine/spec/schema';
import type { SearchSpec } from '../engine/spec/searchSchema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { TrainModelResult } from '../engine/training/train';
import {
  trainSpecRun,
  type AssetLoader,
  type TrainDataInfo,
  type TrainRunProbe,
  type TrainSpecResult,
} from '../engine/training/runTrainSpec';
import { surfaceGrid, type SurfaceGrid } from '../engine/surface/grid';
import { cloudRun, type CloudOptions, type CloudResult } from '../engine/surface/runCloud';
import { surfaceRun, type SurfaceResult, type SurfaceRunResult } from '../engine/surface/runSurface';

/**
 * The training lab's loop rests this share of its time after each readback, so the page that draws
 * its live charts keeps its frames (on SwiftShader the "GPU" is the page's own CPU cores).
 */
const TRAIN_YIELD_SHARE = 0.25;

export interface BackendStart {
  report: BackendReport;
  /** a problem with what was asked for, e.g. an unknown ?backend= value */
  notice: string | null;
}

/** What one chunk added to one run: the new points and values, and its status so far. */
export interface RunDelta extends SurfaceRunResult {
  /** index of the run in the spec */
  run: number;
}

export type ProgressListener = (stepsDone: number, deltas: RunDelta[]) => void;

/** What one readback added to one model of a training run (seed 0 is the run as specified). */
export interface TrainDelta {
  run: number;
  seed: number;
  /** index of the first new step */
  from: number;
  stepLoss: number[];
  stepAccuracy: number[];
  lr: number[];
  gradNorm: number[];
  updateRatio: number[][];
  /** epochs completed so far (all of them: a few numbers each) */
  epochs: TrainModelResult['epochs'];
  status: TrainModelResult['status'];
  divergedAt?: number;
  stoppedAfter?: number;
}

export type TrainEvent =
  | { type: 'data'; info: TrainDataInfo }
  | { type: 'progress'; step: number; deltas: TrainDelta[]; probes: [number, TrainRunProbe][] | null };

export type SearchEvent = { type: 'trials'; trials: SearchTrial[] } | { type: 'progress'; progress: SearchProgress };

/** What the search lab's jobs need besides the spec. */
export interface SearchJobOptions {
  assetBase: string;
  csvText?: string;
}

export interface TrainJobOptions {
  /** the page's folder, for the datasets under public/ */
  assetBase: string;
  csvText?: string;
  keepWeights?: boolean;
  /** start paused (the first Step button press trains one step) */
  paused?: boolean;
}

/**
 * fetch + gunzip (DecompressionStream) of a file under the app's public folder. Whether the bytes
 * arrive compressed depends on the server (Vite's servers send .gz with Content-Encoding: gzip, so
 * the browser has already inflated them; most static hosts do not), so the gzip magic number decides.
 */
function assetLoaderFor(base: string): AssetLoader {
  return async (path) => {
    const res = await fetch(new URL(path, base));
    if (!res.ok) throw new Error(`could not load ${path} (${res.status} ${res.statusText})`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!(bytes[0] === 0x1f && bytes[1] === 0x8b)) return bytes;
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  };
}

/** Pause/step gate for a training job: a Step lets every optimizer group take one step. */
class Gate {
  paused = false;
  private granted = 0;
  private used = new Map<number, number>();
  private waiters: (() => void)[] = [];
  shouldWait = (group: number) => {
    if (!this.paused) {
      this.used.set(group, this.granted);
      return false;
    }
    const used = this.used.get(group) ?? 0;
    if (used < this.granted) {
      this.used.set(group, used + 1);
      return false;
    }
    this.used.set(group, used);
    return true;
  };
  /** resolves at once when a step was granted (or the gate opened) while the group was busy reporting */
  wait = (group: number) =>
    !this.paused || (this.used.get(group) ?? 0) < this.granted
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.waiters.push(resolve));
  release() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
  set(paused: boolean) {
    this.paused = paused;
    if (!paused) this.release();
  }
  step() {
    this.granted++;
    this.release();
  }
}
export interface EngineApi {
  start(requested: string | null): Promise<BackendStart>;
  runSurface(
    job: number,
    spec: SurfaceSpec,
    only: number[] | null,
    onProgress: ProgressListener | null,
  ): Promise<SurfaceResult>;
  runCloud(job: number, spec: SurfaceSpec, options: Omit<CloudOptions, 'signal'>): Promise<CloudResult>;
  grid(spec: SurfaceSpec, nx: number, ny: number): Promise<SurfaceGrid>;
  train(
    job: number,
    spec: TrainSpec,
    options: TrainJobOptions,
    onEvent: (event: TrainEvent) => void,
  ): Promise<TrainSpecResult>;
  search(
    job: number,
    spec: SearchSpec,
    options: SearchJobOptions,
    onEvent: (event: SearchEvent) => void,
  ): Promise<SearchResult>;
  lrFinder(
    job: number,
    spec: SearchSpec,
    options: SearchJobOptions,
    onPoints: (points: LrFinderPoint[]) => void,
  ): Promise<LrFinderResult>;
  batchStudy(
    job: number,
    spec: SearchSpec,
    options: SearchJobOptions,
    onRun: (run: BatchStudyRun) => void,
  ): Promise<BatchStudyResult>;
  compress(
    job: number,
    spec: CompressSpec,
    options: SearchJobOptions,
    onProgress: (p: CompressProgress) => void,
  ): Promise<CompressResult>;
  /** pause or resume a training job */
  trainPause(job: number, paused: boolean): void;
  /** one more step of a paused training job */
  trainStep(job: number): void;
  cancel(job: number): void;
  /** the engine's tensors and bytes, and how many jobs are still running (a cancelled job counts until it has wound down) */
  memory(): { numTensors: number; numBytes: number; jobs: number };
}

export function engineApiCreate(): EngineApi {
  const jobs = new Map<number, AbortController>();
  const gates = new Map<number, Gate>();
  let started: Promise<BackendStart> | null = null;
  const ready = () => started ?? api.start(null);
  /** Runs a cancellable job once the backend is ready. */
  const withJob = async <T>(job: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    jobs.set(job, controller);
    try {
      await ready();
      return await run(controller.signal);
    } finally {
      jobs.delete(job);
    }
  };

  const api: EngineApi = {
    start(requested) {
      started ??= (async () => {
        if (requested !== null && !backendIsName(requested)) {
          const report = await backendSelect();
          return {
            report,
            notice: `Unknown backend "${requested}" in the address (use webgpu, webgl or cpu); picked ${report.active} automatically.`,
          };
        }
        return { report: await backendSelect(requested ?? undefined), notice: null };
      })();
      return started;
    },

    async runSurface(job, spec, only, onProgress) {
      await ready();
      const controller = new AbortController();
      jobs.set(job, controller);
      const indices = only ?? spec.runs.map((_, i) => i);
      // the first delta includes the start point: the store's copy of a run starts empty
      const sent = indices.map(() => ({ path: 0, loss: 0, lr: 0, grad: 0, distance: 0 }));
      try {
        return await surfaceRun(spec, {
          only: indices,
          signal: controller.signal,
          onProgress: onProgress
            ? (stepsDone, runs) => {
                // send only what is new since the last chunk
                const deltas = indices.map((runIndex, k): RunDelta => {
                  const r = runs[runIndex];
                  const s = sent[k];
                  const delta: RunDelta = {
                    run: runIndex,
                    path: r.path.slice(s.path),
                    loss: r.loss.slice(s.loss),
                    lr: r.lr.slice(s.lr),
                    grad: r.grad.slice(s.grad),
                    distance: r.distance.slice(s.distance),
                    status: r.status,
                    ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt, reason: r.reason } : {}),
                  };
                  sent[k] = {
                    path: r.path.length,
                    loss: r.loss.length,
                    lr: r.lr.length,
                    grad: r.grad.length,
                    distance: r.distance.length,
                  };
                  return delta;
                });
                onProgress(stepsDone, deltas);
              }
            : undefined,
        });
      } finally {
        jobs.delete(job);
      }
    },

    runCloud(job, spec, options) {
      return withJob(job, (signal) => cloudRun(spec, { ...options, signal }));
    },

    search(job, spec, options, onEvent) {
      return withJob(job, (signal) =>
        searchRun(spec, assetLoaderFor(options.assetBase), {
          signal,
          csvText: options.csvText,
          onTrials: (trials) => onEvent({ type: 'trials', trials }),
          onProgress: (progress) => onEvent({ type: 'progress', progress }),
        }),
      );
    },

    lrFinder(job, spec, options, onPoints) {
      return withJob(job, (signal) =>
        lrFinderRun(spec.base, spec.finder, assetLoaderFor(options.assetBase), {
          signal,
          csvText: options.csvText,
          onPoints,
        }),
      );
    },

    batchStudy(job, spec, options, onRun) {
      return withJob(job, (signal) =>
        batchStudyRun(spec.base, spec.study, assetLoaderFor(options.assetBase), {
          signal,
          csvText: options.csvText,
          onRun,
        }),
      );
    },

    compress(job, spec, options, onProgress) {
      return withJob(job, (signal) =>
        compressRun(spec, assetLoaderFor(options.assetBase), { signal, csvText: options.csvText, onProgress }),
      );
    },

    async grid(spec, nx, ny) {
      await ready();
      const { name, ...params } = spec.objective;
      return surfaceGrid(name, params, nx, ny);
    },

    async train(job, spec, options, onEvent) {
      // the gate exists before the first await, so a Step sent right after the start is not lost
      const controller = new AbortController();
      const gate = new Gate();
      gate.paused = options.paused ?? false;
      jobs.set(job, controller);
      gates.set(job, gate);
      await ready();
      const sent = new Map<string, { steps: number }>();
      try {
        return await trainSpecRun(spec, assetLoaderFor(options.assetBase), {
          csvText: options.csvText,
          keepWeights: options.keepWeights,
          signal: controller.signal,
          control: gate,
          probes: {},
          yieldShare: TRAIN_YIELD_SHARE,
          onData: (info) => onEvent({ type: 'data', info }),
          onProgress: ({ runs, seeds, models, probes, step }) => {
            const deltas = models.map((m, k): TrainDelta => {
              const run = runs[Math.floor(k / seeds)];
              const seed = k % seeds;
              const key = `${run}/${seed}`;
              const from = sent.get(key)?.steps ?? 0;
              sent.set(key, { steps: m.stepLoss.length });
              return {
                run,
                seed,
                from,
                stepLoss: m.stepLoss.slice(from),
                stepAccuracy: m.stepAccuracy.slice(from),
                lr: m.lr.slice(from),
                gradNorm: m.gradNorm.slice(from),
                updateRatio: m.updateRatio.slice(from),
                epochs: m.epochs,
                status: m.status,
                ...(m.divergedAt !== undefined ? { divergedAt: m.divergedAt } : {}),
                ...(m.stoppedAfter !== undefined ? { stoppedAfter: m.stoppedAfter } : {}),
              };
            });
            onEvent({ type: 'progress', step, deltas, probes: probes ? [...probes.entries()] : null });
          },
        });
      } finally {
        jobs.delete(job);
        gates.delete(job);
      }
    },

    trainPause(job, paused) {
      gates.get(job)?.set(paused);
    },

    trainStep(job) {
      gates.get(job)?.step();
    },

    cancel(job) {
      jobs.get(job)?.abort();
      gates.get(job)?.release();
    },

    memory() {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes, jobs: jobs.size };
    },
  };
  return api;
}
