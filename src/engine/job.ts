/**
 * What every engine job gets besides its spec: cancellation, the pause/step gate, the data loader, the
 * user's CSV text, where its progress goes and the options of its kind. A job is one press of Run (or
 * Train, or a race restart); each lab's jobs are functions `(spec, ctx) => Promise<result>` in its
 * engine entry module (surface/jobs.ts, training/jobs.ts, search/jobs.ts, compress/jobs.ts), named by
 * the lab's registry entry (src/labs).
 */

/** Reads a file from the app's public folder (fetch + gunzip in the browser, fs + zlib in Node). */
export type AssetLoader = (path: string) => Promise<Uint8Array>;

/** Pause and single-step for a job whose groups step on their own (training: one group per optimizer). */
export interface JobControl {
  shouldWait(group: number): boolean;
  wait(group: number): Promise<void>;
}

export interface JobContext<E = unknown, O = Record<string, unknown>> {
  signal?: AbortSignal;
  control?: JobControl;
  loadAsset: AssetLoader;
  /** the CSV file's text, for an experiment on data.name = 'csv' */
  csvText?: string;
  onEvent?: (event: E) => void;
  /** lifts the work limit (the CLI's --allow-large); never the memory limit */
  allowLarge?: boolean;
  options?: O;
}

export type JobRunner<S = never, E = unknown, R = unknown, O = Record<string, unknown>> = (
  spec: S,
  ctx: JobContext<E, O>,
) => Promise<R>;
