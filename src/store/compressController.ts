/**
 * Runs the compression lab's study in the engine, one at a time: starting another cancels the one
 * running. Progress and the result are folded into the study's record.
 */
import { engineCompress, type Job } from '../worker/client';
import type { CompressRecord } from './compressSlice';
import { csvTextFor } from './searchController';
import { useAppStore } from './store';

let running: { id: number; job: Job<unknown> } | null = null;

export function compressStart(): number | null {
  const s = useAppStore.getState();
  const spec = s.compressSpec;
  const csv = csvTextFor(spec.base, s.compressErrorSet);
  if (csv === null) return null;
  compressCancel();
  s.compressErrorSet(null);
  const id = s.compressRecordStart(spec);
  const update = (fn: (r: CompressRecord) => Partial<CompressRecord>) =>
    useAppStore.getState().compressRecordUpdate(id, fn);
  const job = engineCompress(spec, csv, (progress) =>
    update((r) => (r.status === 'running' ? { progress, updatedAt: Date.now() } : {})),
  );
  running = { id, job };
  job.result
    .then(
      (result) => update(() => ({ result, status: 'done', finishedAt: Date.now() })),
      (err: Error) =>
        update((r) =>
          r.status === 'cancelled' || err.message === 'cancelled'
            ? { status: 'cancelled', finishedAt: Date.now() }
            : { status: 'error', error: err.message, finishedAt: Date.now() },
        ),
    )
    .finally(() => {
      if (running?.id === id) running = null;
    });
  return id;
}

export function compressCancel(): void {
  if (!running) return;
  const { id, job } = running;
  running = null;
  useAppStore
    .getState()
    .compressRecordUpdate(id, (r) => (r.status === 'running' ? { status: 'cancelled', finishedAt: Date.now() } : {}));
  job.cancel();
}
