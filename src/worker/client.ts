/**
 * The UI's door to the engine: a module Web Worker through comlink. If the worker cannot start (no
 * module workers, a blocked script, a backend that fails there), the same engine runs on the main
 * thread and the header says so.
 */
import * as Comlink from 'comlink';
import type { ExperimentSpec, SurfaceSpec } from '../engine/spec/schema';
import type { SurfaceGrid } from '../engine/surface/grid';
import type { JobKey } from '../labs/types';
import type { BackendStart, EngineApi, JobRunOptions } from './engineApi';

export type { BackendStart } from './engineApi';

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
  pause(paused: boolean): void;
  step(): void;
}

/** The page's folder, for the datasets under public/. */
const assetBase = () => new URL('.', window.location.href).href;

/** Runs one of a lab's jobs in the engine (worker, or the page): its events go to `onEvent`, its result comes back. */
export function engineJob<T, E = unknown>(
  key: JobKey,
  spec: ExperimentSpec,
  options: Omit<JobRunOptions, 'assetBase'>,
  onEvent: ((event: E) => void) | null,
): Job<T> {
  const id = nextJob++;
  const listener = onEvent ? Comlink.proxy(onEvent as (event: unknown) => void) : null;
  return {
    id,
    result: engine().then((e) => e.run(id, key, spec, { ...options, assetBase: assetBase() }, listener) as Promise<T>),
    cancel: () => void engine().then((e) => e.cancel(id)),
    pause: (paused) => void engine().then((e) => e.pause(id, paused)),
    step: () => void engine().then((e) => e.step(id)),
  };
}

export async function engineGrid(spec: SurfaceSpec, nx: number, ny: number): Promise<SurfaceGrid> {
  return (await engine()).grid(spec, nx, ny);
}

/** A CSV file's columns and rows, read and parsed by the engine (in its worker: the page does not freeze on a big file). */
export async function engineCsvInspect(file: Blob): Promise<{ header: string[]; rows: number }> {
  return (await engine()).csvInspect(file);
}

export async function engineMemory(): Promise<{ numTensors: number; numBytes: number }> {
  return (await engine()).memory();
}
