/**
 * Runs the search lab's jobs in the engine: a search (its changed trials folded into the record as
 * they stream in), the learning-rate range test and the batch-size study. One job of each kind at a
 * time; starting another cancels the previous one, whose finished trials stay.
 */
import type { SearchTrial } from '../engine/search/runSearch';
import { searchTrialSpec } from '../engine/search/space';
import { optimizerWithLr } from '../engine/optimizers/registry';
import { searchBaseOf, type SearchSpec } from '../engine/spec/searchSchema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import { engineBatchStudy, engineLrFinder, engineSearch, type Job, type SearchEvent } from '../worker/client';
import type { BatchStudyResult } from '../engine/search/batchStudy';
import type { LrFinderResult } from '../engine/search/lrFinder';
import type { FinderState, JobStatus, SearchRecord, StudyState } from './searchSlice';
import { useAppStore } from './store';

const running: {
  search: { id: number; job: Job<unknown> } | null;
  finder: Job<unknown> | null;
  study: Job<unknown> | null;
} = { search: null, finder: null, study: null };

/** The CSV text a base experiment needs, or null after telling the user (`report`) to load it. */
export function csvTextFor(base: TrainSpec, report: (message: string) => void): string | undefined | null {
  if (base.data.name !== 'csv') return undefined;
  const file = useAppStore.getState().csvFile;
  if (!file) {
    report('Load your CSV file in the training lab first: it never leaves this machine, so links do not carry it.');
    return null;
  }
  return file.text;
}

const csvFor = (spec: SearchSpec) => csvTextFor(spec.base, useAppStore.getState().searchErrorSet);

/** Folds changed trials into a record (by id; new ones are appended). */
export function searchEventApply(record: SearchRecord, event: SearchEvent): Partial<SearchRecord> {
  if (event.type === 'progress') return { progress: event.progress };
  const trials = record.trials.slice();
  for (const t of event.trials) trials[t.id] = t;
  return { trials };
}

export function searchStart(): number | null {
  const s = useAppStore.getState();
  const spec = s.searchSpec;
  const csv = csvFor(spec);
  if (csv === null) return null;
  searchCancel();
  s.searchErrorSet(null);
  const id = s.searchRecordStart(spec);
  const update = (fn: (r: SearchRecord) => Partial<SearchRecord>) => useAppStore.getState().searchRecordUpdate(id, fn);
  const job = engineSearch(spec, csv, (event) => update((r) => searchEventApply(r, event)));
  running.search = { id, job };
  job.result.then(
    (result) => {
      // the result is authoritative: a streamed message may arrive after it over the worker channel
      update((r) => ({
        trials: result.trials,
        evaluations: result.evaluations,
        best: result.best,
        backend: result.backend,
        status: result.cancelled || r.status === 'cancelled' ? 'cancelled' : 'done',
      }));
      if (running.search?.id === id) running.search = null;
    },
    (err: Error) => {
      update(() => ({ status: 'error', error: err.message }));
      if (running.search?.id === id) running.search = null;
    },
  );
  return id;
}

/** Cancels the running search; its finished trials stay. */
export function searchCancel(): void {
  if (!running.search) return;
  const { id, job } = running.search;
  running.search = null;
  useAppStore.getState().searchRecordUpdate(id, (r) => (r.status === 'running' ? { status: 'cancelled' } : {}));
  job.cancel();
}

/** The state a tool keeps while it runs: its spec, status and error. */
interface ToolState {
  spec: SearchSpec;
  status: JobStatus;
  error: string | null;
}

/**
 * Starts one of the two tools on the lab's spec: cancels the previous run, sets the initial state,
 * and folds the job's progress and result into it (ignored once another run has replaced it).
 */
function toolStart<S extends ToolState, R>(
  tool: 'finder' | 'study',
  set: (fn: (x: S | null) => S | null) => void,
  initial: (spec: SearchSpec) => S,
  start: (spec: SearchSpec, csv: string | undefined, progress: (fn: (x: S) => S) => void) => Job<R>,
  done: (x: S, result: R) => S,
): void {
  const spec = useAppStore.getState().searchSpec;
  const csv = csvFor(spec);
  if (csv === null) return;
  running[tool]?.cancel();
  set(() => initial(spec));
  const mine = (fn: (x: S) => S) => set((x) => (x && x.spec === spec ? fn(x) : x));
  const job = start(spec, csv, (fn) => mine((x) => (x.status === 'running' ? fn(x) : x)));
  running[tool] = job;
  job.result.then(
    (result) => mine((x) => done(x, result)),
    (err: Error) => mine((x) => ({ ...x, status: 'error', error: err.message })),
  );
}

export function finderStart(): void {
  toolStart<FinderState, LrFinderResult>(
    'finder',
    useAppStore.getState().finderSet,
    (spec) => ({ spec, points: [], result: null, status: 'running', error: null }),
    (spec, csv, progress) => engineLrFinder(spec, csv, (points) => progress((f) => ({ ...f, points }))),
    (f, result) => ({
      ...f,
      points: result.points,
      result,
      status: result.stop === 'cancelled' ? 'cancelled' : 'done',
    }),
  );
}

export function studyStart(): void {
  toolStart<StudyState, BatchStudyResult>(
    'study',
    useAppStore.getState().studySet,
    (spec) => ({ spec, runs: [], result: null, status: 'running', error: null, startedAt: Date.now() }),
    (spec, csv, progress) =>
      engineBatchStudy(spec, csv, (run) => progress((st) => ({ ...st, runs: [...st.runs, run] }))),
    (st, result) => ({ ...st, runs: result.runs, result, status: result.cancelled ? 'cancelled' : 'done' }),
  );
}

export function toolCancel(tool: 'finder' | 'study'): void {
  running[tool]?.cancel();
  running[tool] = null;
  const s = useAppStore.getState();
  if (tool === 'finder') s.finderSet((f) => (f?.status === 'running' ? { ...f, status: 'cancelled' } : f));
  else s.studySet((st) => (st?.status === 'running' ? { ...st, status: 'cancelled' } : st));
}

/** Opens the training lab on this experiment (one run, labelled). */
function openInTrainLab(spec: TrainSpec, label: string): void {
  const s = useAppStore.getState();
  s.trainSpecReplace({ ...spec, training: { ...spec.training, seeds: 1 }, runs: [{ ...spec.runs[0], label }] });
  s.labSet('train');
}

/** The range test's suggestion applied: the base experiment with that learning rate, in the training lab. */
export function finderApply(lr: number): void {
  const base = useAppStore.getState().searchSpec.base;
  const rounded = Number(lr.toPrecision(2));
  openInTrainLab(
    { ...base, runs: [{ ...base.runs[0], optimizer: optimizerWithLr(base.runs[0].optimizer, rounded) }] },
    `lr ${rounded} (range test)`,
  );
}

/** A trial's configuration, in the training lab. */
export function trialToTrainLab(record: SearchRecord, trial: SearchTrial): void {
  const spec = searchTrialSpec(record.spec.base, trial.params);
  if (typeof spec === 'string') useAppStore.getState().searchErrorSet(spec);
  else openInTrainLab(spec, `trial ${trial.id}`);
}

/** Tunes the training lab's experiment: its data, model, training settings and first run. */
export function searchBaseFromTrainLab(): void {
  const s = useAppStore.getState();
  const t = s.trainSpec;
  const errors = s.searchEdit((spec) => {
    // parameters the new optimizer or schedule does not have are dropped from the space
    const space = spec.space
      .filter((p) => !p.param.startsWith('optimizer.') || p.param.slice(10) in t.runs[0].optimizer)
      .filter((p) => !p.param.startsWith('schedule.') || p.param.slice(9) in t.runs[0].schedule);
    return {
      ...spec,
      seed: t.seed,
      base: searchBaseOf(t),
      space: space.length ? space : [{ param: 'optimizer.lr', min: 1e-4, max: 1, scale: 'log' }],
    };
  });
  s.searchErrorSet(
    errors
      ? `The training lab's experiment cannot be searched: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
      : null,
  );
}
