/**
 * The UI's door to the engine: a module Web Worker through comlink. If the worker cannot start (no
 * module workers, a blocked script, a backend that fails there), the same engine runs on the main
 * thread and the header says so.
 */
import * as Comlink from 'comlink';
import type { SurfaceSpec } from '../engine/spec/schema';
import type { CloudOptions, CloudResult } from '../engine/surface/runCloud';
import type { SurfaceGrid } from '../engine/surface/grid';
import type { SurfaceResult } from '../engine/surface/runSurface';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { TrainSpecResult } from '../engine/training/runTrainSpec';
import type { BatchStudyResult, BatchStudyRun } from '../engine/search/batchStudy';
import type { LrFinderPoint, LrFinderResult } from '../engine/search/lrFinder';
import type { SearchResult } from '../engine/search/runSearch';
import type { SearchSpec } from '../engine/spec/searchSchema';
import type { CompressSpec } from '../engine/spec/compressSchema';
import type { CompressProgress, CompressResult } from '../engine/compress/runCompress';
import type { BackendStart, EngineApi, ProgressListener, SearchEvent, TrainEvent } from './engineApi';

export type { BackendStart, RunDelta, SearchEvent, TrainDelta, TrainEvent } from './engineApi';

export interface EngineStart extends BackendStart {
  /** where the engine runs */
  thread: 'worker' | 'main';
  /** why it is not in a worker, when it is not */
  threadReason: string | null;
}

let api: EngineApi | Comlink.Remote<EngineApi> | null = null;
let starting: Promise<EngineStart> | null = null;
let nextJob = 1;

async function workerStart(
  requested: string | null,
): Promise<{ remote: Comlink.Remote<EngineApi>; start: BackendStart }> {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(e.message || 'the worker script failed to load')));
    setTimeout(() => reject(new Error('the worker did not answer within 30 s')), 30_000);
  });
  const remote = Comlink.wrap<EngineApi>(worker);
  try {
    const start = await Promise.race([remote.start(requested), failed]);
    return { remote, start };
  } catch (err) {
    worker.terminate();
    throw err;
  }
}

/** The engine on the page: used when no worker can run it, with the reason shown to the user. */
async function mainThreadStart(requested: string | null, threadReason: string): Promise<EngineStart> {
  const { engineApiCreate } = await import('./engineApi');
  api = engineApiCreate();
  return { ...(await api.start(requested)), thread: 'main', threadReason };
}

/** Starts the engine (worker first) on the fastest working backend, or the one named by ?backend=. */
export function engineStart(requested: string | null, options: { worker?: boolean } = {}): Promise<EngineStart> {
  starting ??= (async () => {
    if (options.worker === false) return mainThreadStart(requested, 'the worker was turned off (?worker=0)');
    if (typeof Worker === 'undefined') return mainThreadStart(requested, 'this browser has no Web Workers');
    try {
      const { remote, start } = await workerStart(requested);
      api = remote;
      return { ...start, thread: 'worker' as const, threadReason: null };
    } catch (err) {
      return mainThreadStart(
        requested,
        `the engine worker could not start (${(err as Error).message}); computing on the page instead`,
      );
    }
  })();
  return starting;
}

async function engine(): Promise<EngineApi | Comlink.Remote<EngineApi>> {
  await (starting ?? engineStart(null));
  return api!;
}

export interface Job<T> {
  id: number;
  result: Promise<T>;
  cancel(): void;
}

function job<T>(run: (api: EngineApi | Comlink.Remote<EngineApi>, id: number) => Promise<T>): Job<T> {
  const id = nextJob++;
  return {
    id,
    result: engine().then((e) => run(e, id)),
    cancel: () => void engine().then((e) => e.cancel(id)),
  };
}

/** Runs a race (or some of its runs), reporting each chunk's new values. */
export function engineRunSurface(
  spec: SurfaceSpec,
  only: number[] | null,
  onProgress: ProgressListener,
): Job<SurfaceResult> {
  return job((e, id) => e.runSurface(id, spec, only, Comlink.proxy(onProgress)));
}

export function engineRunCloud(spec: SurfaceSpec, options: Omit<CloudOptions, 'signal'>): Job<CloudResult> {
  return job((e, id) => e.runCloud(id, spec, options));
}

export async function engineGrid(spec: SurfaceSpec, nx: number, ny: number): Promise<SurfaceGrid> {
  return (await engine()).grid(spec, nx, ny);
}

export async function engineMemory(): Promise<{ numTensors: number; numBytes: number }> {
  return (await engine()).memory();
}

export interface TrainJob extends Job<TrainSpecResult> {
  pause(paused: boolean): void;
  step(): void;
}

/** Trains a `train` spec in the engine, streaming data info, per-step deltas and probes. */
export function engineTrain(
  spec: TrainSpec,
  options: { csvText?: string; keepWeights?: boolean; paused?: boolean },
  onEvent: (event: TrainEvent) => void,
): TrainJob {
  const j = job((e, id) =>
    e.train(id, spec, { ...options, assetBase: assetOptions().assetBase }, Comlink.proxy(onEvent)),
  );
  return {
    ...j,
    pause: (paused) => void engine().then((e) => e.trainPause(j.id, paused)),
    step: () => void engine().then((e) => e.trainStep(j.id)),
  };
}

const assetOptions = (csvText?: string) => ({
  assetBase: new URL('.', window.location.href).href,
  ...(csvText !== undefined ? { csvText } : {}),
});

/** Runs a search, streaming changed trials and progress. */
export function engineSearch(
  spec: SearchSpec,
  csvText: string | undefined,
  onEvent: (event: SearchEvent) => void,
): Job<SearchResult> {
  return job((e, id) => e.search(id, spec, assetOptions(csvText), Comlink.proxy(onEvent)));
}

/** The learning-rate range test of a search spec's base experiment. */
export function engineLrFinder(
  spec: SearchSpec,
  csvText: string | undefined,
  onPoints: (points: LrFinderPoint[]) => void,
): Job<LrFinderResult> {
  return job((e, id) => e.lrFinder(id, spec, assetOptions(csvText), Comlink.proxy(onPoints)));
}

/** A compression study (pruning, quantization, distillation or transfer). */
export function engineCompress(
  spec: CompressSpec,
  csvText: string | undefined,
  onProgress: (p: CompressProgress) => void,
): Job<CompressResult> {
  return job((e, id) => e.compress(id, spec, assetOptions(csvText), Comlink.proxy(onProgress)));
}

/** The batch-size study of a search spec's base experiment. */
export function engineBatchStudy(
  spec: SearchSpec,
  csvText: string | undefined,
  onRun: (run: BatchStudyRun) => void,
): Job<BatchStudyResult> {
  return job((e, id) => e.batchStudy(id, spec, assetOptions(csvText), Comlink.proxy(onRun)));
}
