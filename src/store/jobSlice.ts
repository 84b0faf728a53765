/**
 * Every lab's jobs, kept as records: one list per kind of job (a training history, the searches, the
 * range tests, the batch-size studies, the compression studies), which record the views show, and why
 * a lab's Run could not start. Records are written by the job controller (jobs.ts) as events stream in.
 */
import type { StateCreator } from 'zustand';
import type { JobKey, JobRecord, LabId } from '../labs/types';
import type { AppState } from './store';

export type RecordKey = Exclude<JobKey, 'race' | 'cloud'>;
const RECORD_KEYS: RecordKey[] = ['train', 'search', 'finder', 'study', 'compress'];

export interface JobSlice {
  jobs: Record<RecordKey, JobRecord[]>;
  /** the record each kind's views show (the newest unless the user picked another) */
  jobShown: Record<RecordKey, number | null>;
  /** why a lab's job could not start */
  jobErrors: Partial<Record<LabId, string | null>>;
  jobAdd(key: RecordKey, record: JobRecord): void;
  /** records from the library, before the ones of this session (the views keep what they show) */
  jobRestore(key: RecordKey, records: JobRecord[]): void;
  jobUpdate(key: RecordKey, id: number, fn: (r: JobRecord) => Partial<JobRecord>): void;
  jobRemove(key: RecordKey, id: number): void;
  jobShow(key: RecordKey, id: number | null): void;
  jobErrorSet(lab: LabId, message: string | null): void;
}

export const createJobSlice: StateCreator<AppState, [], [], JobSlice> = (set) => ({
  jobs: Object.fromEntries(RECORD_KEYS.map((k) => [k, []])) as unknown as Record<RecordKey, JobRecord[]>,
  jobShown: Object.fromEntries(RECORD_KEYS.map((k) => [k, null])) as Record<RecordKey, number | null>,
  jobErrors: {},
  jobAdd: (key, record) =>
    set((s) => ({
      jobs: { ...s.jobs, [key]: [...s.jobs[key], record] },
      jobShown: { ...s.jobShown, [key]: record.id },
      // a new training takes the views' focus (its first run)
      ...(key === 'train' ? { focus: null } : {}),
    })),
  jobRestore: (key, records) => set((s) => ({ jobs: { ...s.jobs, [key]: [...records, ...s.jobs[key]] } })),
  jobUpdate: (key, id, fn) =>
    set((s) => ({
      jobs: { ...s.jobs, [key]: s.jobs[key].map((r) => (r.id === id ? ({ ...r, ...fn(r) } as JobRecord) : r)) },
    })),
  jobRemove: (key, id) =>
    set((s) => ({
      jobs: { ...s.jobs, [key]: s.jobs[key].filter((r) => r.id !== id) },
      jobShown: { ...s.jobShown, [key]: s.jobShown[key] === id ? null : s.jobShown[key] },
    })),
  jobShow: (key, id) => set((s) => ({ jobShown: { ...s.jobShown, [key]: id } })),
  jobErrorSet: (lab, message) => set((s) => ({ jobErrors: { ...s.jobErrors, [lab]: message } })),
});
