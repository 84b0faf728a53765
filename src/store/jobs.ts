/**
 * The job controller, one for every lab: starts a lab's job on its spec as a new record, folds the
 * job's streamed events and its result into the record (through the lab's definition, labs/<lab>.ts),
 * and pauses, steps and cancels it. One job of each kind runs at a time; starting another cancels the
 * one running, whose record keeps what it computed.
 */
import { jobOf } from '../labs';
import type { JobRecord } from '../labs/types';
import { engineJob, type Job } from '../worker/client';
import type { RecordKey } from './jobSlice';
import { libraryKeep } from './library';
import { useAppStore } from './store';

const running = new Map<RecordKey, { id: number; job: Job<unknown> }>();
let nextId = 1;
/** an id for a record of this session (restored records get theirs here too) */
export const jobIdNext = () => nextId++;

const update = (key: RecordKey, id: number, fn: (r: JobRecord) => Partial<JobRecord>) =>
  useAppStore.getState().jobUpdate(key, id, (r) => ({ ...fn(r), updatedAt: Date.now() }));

/** Starts `key`'s job on its lab's spec (paused before its first step when asked); null after saying why it cannot. */
export function jobStart(key: RecordKey, options: { paused?: boolean } = {}): number | null {
  const { lab, job: def } = jobOf(key);
  const record = def.record!;
  const s = useAppStore.getState();
  if (s.linkHeld?.lab === lab.id) s.linkHeldSet(null); // the held link's job, started from the lab's own button
  const spec = s.specs[lab.id];
  let csvFile: Blob | undefined;
  if (lab.data?.(spec).name === 'csv') {
    if (!s.csvFile) {
      const where = lab.id === 'train' ? '' : ' in the training lab';
      s.jobErrorSet(
        lab.id,
        `Load your CSV file${where} first: it never leaves this machine, so links do not carry it.`,
      );
      return null;
    }
    csvFile = s.csvFile.blob;
  }
  jobCancel(key);
  s.jobErrorSet(lab.id, null);
  const id = jobIdNext();
  const now = Date.now();
  s.jobAdd(key, {
    id,
    key,
    spec,
    title: record.title(spec),
    // a training waits for its data (queued) until the first event says it has it
    status: key === 'train' ? 'queued' : 'running',
    paused: options.paused ?? false,
    error: null,
    backend: null,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    ...record.initial(spec),
  });
  const job = engineJob(
    key,
    spec,
    { csvFile, paused: options.paused, options: key === 'train' ? { keepWeights: true, live: true } : {} },
    (event) => update(key, id, (r) => (r.status === 'cancelled' ? {} : record.event(r, event))),
  );
  running.set(key, { id, job });
  job.result
    .then(
      (result) =>
        update(key, id, (r) => ({
          ...record.result(r, result),
          status: r.status === 'cancelled' ? 'cancelled' : 'done',
          paused: false,
          backend: (result as { backend?: string }).backend ?? null,
          finishedAt: Date.now(),
        })),
      (err: Error) =>
        update(key, id, (r) =>
          r.status === 'cancelled' || err.message === 'cancelled'
            ? { status: 'cancelled', finishedAt: Date.now() }
            : { status: 'failed', error: err.message, finishedAt: Date.now() },
        ),
    )
    .finally(() => {
      if (running.get(key)?.id === id) running.delete(key);
      const s = useAppStore.getState();
      for (const { id: old, patch } of record.trim?.(s.jobs[key]) ?? []) s.jobUpdate(key, old, () => patch);
      void libraryKeep(key, id); // kept across reloads, whatever its end (done, cancelled with its part, failed)
    });
  return id;
}

/** Cancels `key`'s running job; what it computed so far stays in its record. */
export function jobCancel(key: RecordKey): void {
  const r = running.get(key);
  if (!r) return;
  running.delete(key);
  update(key, r.id, (rec) =>
    rec.status === 'running' || rec.status === 'queued'
      ? { status: 'cancelled', paused: false, finishedAt: Date.now() }
      : {},
  );
  r.job.cancel();
}

export function jobPause(key: RecordKey, paused: boolean): void {
  const r = running.get(key);
  if (!r) return;
  r.job.pause(paused);
  update(key, r.id, () => ({ paused }));
}

/** One step: pauses the running job, or starts a new one paused; then lets it take one step. */
export function jobStepOnce(key: RecordKey): void {
  if (!running.has(key)) jobStart(key, { paused: true });
  else jobPause(key, true);
  running.get(key)?.job.step();
}

/** The record of `key`'s running job, if one runs. */
export function jobRunning(key: RecordKey): number | null {
  return running.get(key)?.id ?? null;
}
