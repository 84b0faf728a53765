/**
 * Runs the training lab's experiments: one engine job per record, its streamed deltas and probes
 * folded into the record as they come. Step arrays grow in place (the record and run objects are
 * replaced, so React sees the change without copying 10⁵-point series on every readback).
 */
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { TrainModelResult } from '../engine/training/train';
import { engineTrain, type TrainDelta, type TrainEvent, type TrainJob } from '../worker/client';
import { useAppStore } from './store';
import type { RecordRun, TrainRecord } from './trainSlice';

let current: { id: number; job: TrainJob } | null = null;

function emptyModel(): TrainModelResult {
  return { stepLoss: [], stepAccuracy: [], lr: [], gradNorm: [], updateRatio: [], epochs: [], status: 'ok' };
}

/** Appends a delta to a model's series (they start at `from`; a repeated delta is not added twice). */
function apply(m: TrainModelResult, d: TrainDelta): TrainModelResult {
  const keep = d.from;
  for (const key of ['stepLoss', 'stepAccuracy', 'lr', 'gradNorm', 'updateRatio'] as const) {
    const arr = m[key] as unknown[];
    arr.length = Math.min(arr.length, keep);
    arr.push(...(d[key] as unknown[]));
  }
  return {
    ...m,
    epochs: d.epochs,
    status: d.status,
    ...(d.divergedAt !== undefined ? { divergedAt: d.divergedAt } : {}),
    ...(d.stoppedAfter !== undefined ? { stoppedAfter: d.stoppedAfter } : {}),
  };
}

export function trainEventApply(record: TrainRecord, event: TrainEvent): Partial<TrainRecord> {
  if (event.type === 'data')
    return { data: event.info, status: record.status === 'loading' ? 'running' : record.status };
  const runs = record.runs.slice();
  for (const d of event.deltas) {
    const run = runs[d.run];
    if (d.seed === 0) runs[d.run] = { ...run, ...apply(run, d) } as RecordRun;
    else {
      const seeds = run.seeds.slice();
      seeds[d.seed - 1] = apply(seeds[d.seed - 1] ?? emptyModel(), d);
      runs[d.run] = { ...runs[d.run], seeds };
    }
  }
  for (const [i, probe] of event.probes ?? []) runs[i] = { ...runs[i], probe };
  return { runs, step: event.step, wallMs: Date.now() - record.startedAt };
}

function update(id: number, fn: (r: TrainRecord) => Partial<TrainRecord>) {
  useAppStore.getState().recordUpdate(id, fn);
}

/** Starts training the lab's spec as a new record (paused before its first step when asked). */
export function trainStart(options: { paused?: boolean } = {}): number | null {
  const s = useAppStore.getState();
  const spec: TrainSpec = s.trainSpec;
  if (spec.data.name === 'csv' && !s.csvFile) {
    s.trainErrorSet('Load your CSV file first: it never leaves this machine, so links do not carry it.');
    return null;
  }
  trainStop();
  s.trainErrorSet(null);
  const id = s.recordStart(spec);
  if (options.paused) update(id, () => ({ status: 'paused' }));
  const job = engineTrain(
    spec,
    { csvText: spec.data.name === 'csv' ? s.csvFile!.text : undefined, keepWeights: true, paused: options.paused },
    (event) => update(id, (r) => trainEventApply(r, event)),
  );
  current = { id, job };
  job.result.then(
    (result) => {
      update(id, (r) => ({
        status: r.status === 'stopped' ? 'stopped' : 'done',
        wallMs: Date.now() - r.startedAt,
        weights: result.weights ?? null,
        backend: result.backend,
        // the result is authoritative: a progress message may arrive after it over the worker channel
        runs: r.runs.map((run, i) =>
          result.runs[i]
            ? {
                ...run,
                ...result.runs[i],
                seeds: result.seedRuns?.[i].slice(1) ?? [],
                probe: result.probes?.[i] ?? run.probe,
              }
            : run,
        ),
      }));
      if (current?.id === id) current = null;
    },
    (err: Error) => {
      update(id, () => ({ status: 'error', error: err.message }));
      if (current?.id === id) current = null;
    },
  );
  return id;
}

export function trainPause(paused: boolean): void {
  if (!current) return;
  current.job.pause(paused);
  update(current.id, (r) => ({ status: paused ? 'paused' : r.data ? 'running' : 'loading' }));
}

/** One optimizer step: pauses a running job, or starts a new one paused. */
export function trainStepOnce(): void {
  if (!current) {
    trainStart({ paused: true });
  } else {
    current.job.pause(true);
    update(current.id, () => ({ status: 'paused' }));
  }
  current?.job.step();
}

/** Stops the running job; what it trained so far stays in the history. */
export function trainStop(): void {
  if (!current) return;
  const { id, job } = current;
  current = null;
  update(id, (r) => (r.status === 'done' ? {} : { status: 'stopped' }));
  job.cancel();
}

export function trainRunning(): number | null {
  return current?.id ?? null;
}
