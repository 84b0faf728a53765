/**
 * What the engine offers the UI, as plain data in and out. The same object runs inside the module
 * Web Worker (engine.worker.ts, through comlink) and, when no worker can start, on the main thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendIsName, backendSelect, type BackendReport } from '../engine/backend';
import type { SurfaceSpec } from '../engine/spec/schema';
import { surfaceGrid, type SurfaceGrid } from '../engine/surface/grid';
import { cloudRun, type CloudOptions, type CloudResult } from '../engine/surface/runCloud';
import { surfaceRun, type SurfaceResult, type SurfaceRunResult } from '../engine/surface/runSurface';

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

export interface EngineApi {
  start(requested: string | null): Promise<BackendStart>;
  runSurface(job: number, spec: SurfaceSpec, only: number[] | null, onProgress: ProgressListener | null): Promise<SurfaceResult>;
  runCloud(job: number, spec: SurfaceSpec, options: Omit<CloudOptions, 'signal'>): Promise<CloudResult>;
  grid(spec: SurfaceSpec, nx: number, ny: number): Promise<SurfaceGrid>;
  cancel(job: number): void;
  memory(): { numTensors: number; numBytes: number };
}

export function engineApiCreate(): EngineApi {
  const jobs = new Map<number, AbortController>();
  let started: Promise<BackendStart> | null = null;
  const ready = () => started ?? api.start(null);

  const api: EngineApi = {
    start(requested) {
      started ??= (async () => {
        if (requested !== null && !backendIsName(requested)) {
          const report = await backendSelect();
          return { report, notice: `Unknown backend "${requested}" in the address (use webgpu, webgl or cpu); picked ${report.active} automatically.` };
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
                    run: runIndex, path: r.path.slice(s.path), loss: r.loss.slice(s.loss), lr: r.lr.slice(s.lr),
                    grad: r.grad.slice(s.grad), distance: r.distance.slice(s.distance), status: r.status,
                    ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt, reason: r.reason } : {}),
                  };
                  sent[k] = { path: r.path.length, loss: r.loss.length, lr: r.lr.length, grad: r.grad.length, distance: r.distance.length };
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

    async runCloud(job, spec, options) {
      await ready();
      const controller = new AbortController();
      jobs.set(job, controller);
      try {
        return await cloudRun(spec, { ...options, signal: controller.signal });
      } finally {
        jobs.delete(job);
      }
    },

    async grid(spec, nx, ny) {
      await ready();
      const { name, ...params } = spec.objective;
      return surfaceGrid(name, params, nx, ny);
    },

    cancel(job) {
      jobs.get(job)?.abort();
    },

    memory() {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes };
    },
  };
  return api;
}
