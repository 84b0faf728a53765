/**
 * What a lab is: one definition (labs/<lab>.ts) names its spec kind and defaults, its jobs (each an
 * engine entry, a title and how its events and result fold into a record), its page and its CLI
 * handler. Labs are listed once, in labs/index.ts; the store, the page, the worker and the CLI all
 * read them from there. Vocabulary (README, Architecture): an experiment is a spec; a job is one press
 * of Run (or Train, or a race restart); a run is one optimizer configuration inside an experiment;
 * a trial is one point of a search.
 */
import type { ComponentType } from 'react';
import type { ExperimentSpec } from '../engine/spec/schema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { Status } from '../engine/status';
import type { CliHandler } from '../cli/io';

export const LAB_IDS = ['surface', 'train', 'search', 'compress'] as const;
export type LabId = (typeof LAB_IDS)[number];

/** every kind of job the labs start; the record jobs keep a history in the store */
export const JOB_KEYS = ['race', 'cloud', 'train', 'search', 'finder', 'study', 'compress'] as const;
export type JobKey = (typeof JOB_KEYS)[number];

/** What every job's record holds; a lab's job adds its own fields (X). */
export interface JobBase<S = ExperimentSpec> {
  id: number;
  key: JobKey;
  /** a frozen copy of the experiment it ran */
  spec: S;
  title: string;
  status: Status;
  /** a running job the user paused (training) */
  paused: boolean;
  error: string | null;
  /** the backend that ran it (known when it finishes) */
  backend: string | null;
  startedAt: number;
  /** when progress last came */
  updatedAt: number;
  finishedAt: number | null;
  /** its entry in the experiment library, once kept there */
  libraryUid?: string;
}

export type JobRecord<X = object, S = ExperimentSpec> = JobBase<S> & X;

export interface JobDefinition<S = never, E = never, R = never, X = object> {
  /** the lab's engine entry module; the job's key names its function there (a JobRunner<S, E, R>) */
  engine: () => Promise<object>;
  /** a job kept in the history: its title, its own fields at the start, how events and the result fold in
   * (absent: the lab folds the job into state of its own, as the race into the race slice) */
  record?: {
    title(spec: S): string;
    initial(spec: S): X;
    event(record: JobRecord<X, S>, event: E): Partial<JobRecord<X, S>>;
    /** the result is authoritative: a streamed event may arrive after it over the worker channel */
    result(record: JobRecord<X, S>, result: R): Partial<JobRecord<X, S>>;
    /** after a job ends: what older records let go to keep the history's memory bounded */
    trim?(records: JobRecord<X, S>[]): { id: number; patch: Partial<JobRecord<X, S>> }[];
  };
}

export interface LabDefinition<S extends ExperimentSpec = ExperimentSpec> {
  id: LabId;
  /** the tab's label */
  label: string;
  kind: S['kind'];
  defaults: S;
  /** what opening a share link does: run it at once (it reproduces the experiment), wait for Run, or nothing (a live lab computes on every edit) */
  onLink: 'run' | 'wait' | 'live';
  /** the experiment's data where it trains on some (a CSV file is never in a link: Run needs it loaded) */
  data?: (spec: S) => TrainSpec['data'];
  /** the job a press of Run starts, and the lab's other jobs */
  run: JobKey;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job has its own event, result and record
  jobs: Partial<Record<JobKey, JobDefinition<S, any, any, any>>>;
  page: () => Promise<{ default: ComponentType }>;
  cli: () => Promise<{ cli: CliHandler<S> }>;
}

export function defineLab<S extends ExperimentSpec>(lab: LabDefinition<S>): LabDefinition<S> {
  return lab;
}
