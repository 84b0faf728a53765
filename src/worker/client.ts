/**
 * The UI's door to the engine. For now the engine runs on the main thread, asynchronously, reading
 * values back in chunks; the surface lab moves it into a module Web Worker behind this same API.
 */
import { backendIsName, backendSelect, type BackendReport } from '../engine/backend';
import { surfaceRun, type SurfaceResult } from '../engine/surface/runSurface';
import type { SurfaceSpec } from '../engine/spec/schema';

export interface BackendStart {
  report: BackendReport;
  /** a problem with what was asked for, e.g. an unknown ?backend= value */
  notice: string | null;
}

let started: Promise<BackendStart> | null = null;

/** Starts the fastest working backend, or the one named by `?backend=` when it works. */
export function engineStart(requested: string | null): Promise<BackendStart> {
  started ??= backendStart(requested);
  return started;
}

async function backendStart(requested: string | null): Promise<BackendStart> {
  if (requested !== null && !backendIsName(requested)) {
    const report = await backendSelect();
    return { report, notice: `Unknown backend "${requested}" in the address (use webgpu, webgl or cpu); picked ${report.active} automatically.` };
  }
  return { report: await backendSelect(requested ?? undefined), notice: null };
}

export async function engineRunSurface(spec: SurfaceSpec, onProgress: (steps: number) => void, signal?: AbortSignal): Promise<SurfaceResult> {
  await (started ?? engineStart(null)); // never run on a backend that is still starting
  return surfaceRun(spec, { onProgress: (steps) => onProgress(steps), signal });
}
