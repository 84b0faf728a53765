/**
 * The backends' names and the report of which one runs, without tfjs: the page reads these while
 * the engine (backend.ts) loads in the worker.
 */
export const BACKEND_ORDER = ['webgpu', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export interface BackendSkip {
  backend: BackendName;
  reason: string;
}

export interface BackendReport {
  /** the backend that is running */
  active: BackendName;
  /** what was asked for (a `?backend=` parameter or the CLI), if anything */
  requested?: BackendName;
  /** faster backends that were tried and skipped, each with the reason */
  skipped: BackendSkip[];
}

export function backendIsName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_ORDER as readonly string[]).includes(value);
}

/** A one-line, human-readable account of the report, for a header or a log. */
export function backendDescribe(report: BackendReport): string {
  const skips = report.skipped.map((s) => `${s.backend} skipped: ${s.reason}`);
  return [`Running on ${report.active}`, ...skips].join('. ');
}
