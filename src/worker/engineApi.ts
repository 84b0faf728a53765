/**
 * What the engine offers the UI, as plain data in and out. The same object runs inside the module
 * Web Worker (engine.worker.ts, through comlink) and, when no worker can start, on the main thread.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../engine/backend';
import { backendIsName, type BackendReport } from '../engine/backendInfo';
import { csvTable } from '../engine/data/csv';
import type { AssetLoader, JobRunner } from '../engine/job';
import type { ExperimentSpec, SurfaceSpec } from '../engine/spec/schema';
import { surfaceGrid, type SurfaceGrid } from '../engine/surface/grid';
import { jobOf } from '../labs';
import type { JobKey } from '../labs/types';

export interface BackendStart {
  report: BackendReport;
  /** a problem with what was asked for, e.g. an unknown ?backend= value */
  notice: string | null;
}

/** What a job needs besides its spec and where its events go. */
export interface JobRunOptions {
  /** the page's folder, for the datasets under public/ */
  assetBase?: string;
  /** the user's CSV file: read and parsed here, off the page's thread */
  csvFile?: Blob;
  /** start paused (the first Step trains one step) */
  paused?: boolean;
  /** the job's own options (which runs to race, whether to keep the weights …) */
  options?: Record<string, unknown>;
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
  /** runs a job of a lab (labs/index.ts) in the engine: its events stream to onEvent, its result comes back */
  run(
    job: number,
    key: JobKey,
    spec: ExperimentSpec,
    options: JobRunOptions,
    onEvent: ((event: unknown) => void) | null,
  ): Promise<unknown>;
  grid(spec: SurfaceSpec, nx: number, ny: number): Promise<SurfaceGrid>;
  /** reads and parses a CSV file (off the page's thread in the worker): its columns and rows, or a DataError's message */
  csvInspect(file: Blob): Promise<{ header: string[]; rows: number }>;
  /** pause or resume a job (training) */
  pause(job: number, paused: boolean): void;
  /** one more step of a paused job */
  step(job: number): void;
  cancel(job: number): void;
  /** the engine's tensors and bytes, and how many jobs are still running (a cancelled job counts until it has wound down) */
  memory(): { numTensors: number; numBytes: number; jobs: number };
}

export function engineApiCreate(): EngineApi {
  const jobs = new Map<number, AbortController>();
  const gates = new Map<number, Gate>();
  let started: Promise<BackendStart> | null = null;
  const ready = () => started ?? api.start(null);

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

    async run(job, key, spec, options, onEvent) {
      // the job and its gate exist before the first await, so a Step or Cancel sent right after the start is not lost
      const controller = new AbortController();
      const gate = new Gate();
      gate.paused = options.paused ?? false;
      jobs.set(job, controller);
      gates.set(job, gate);
      try {
        await ready();
        const entry = (await jobOf(key).job.engine()) as Record<string, JobRunner<ExperimentSpec>>;
        return await entry[key](spec, {
          signal: controller.signal,
          control: gate,
          loadAsset: assetLoaderFor(options.assetBase ?? ''),
          csvText: options.csvFile ? await options.csvFile.text() : undefined,
          onEvent: onEvent ?? undefined,
          options: options.options,
        });
      } finally {
        jobs.delete(job);
        gates.delete(job);
      }
    },

    async grid(spec, nx, ny) {
      await ready();
      const { name, ...params } = spec.objective;
      return surfaceGrid(name, params, nx, ny);
    },

    async csvInspect(file) {
      const table = csvTable(await file.text());
      return { header: table.header, rows: table.rows.length };
    },

    pause(job, paused) {
      gates.get(job)?.set(paused);
    },

    step(job) {
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
