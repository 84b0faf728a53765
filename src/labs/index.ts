/**
 * The labs, each defined once (labs/<lab>.ts). Adding a lab: its engine entry (a module of job
 * functions), its views (a page), its CLI handler, and one entry here.
 */
import type { ExperimentSpec } from '../engine/spec/schema';
import { compressLab } from './compress';
import { searchLab } from './search';
import { surfaceLab } from './surface';
import { trainLab } from './train';
import type { JobDefinition, JobKey, LabDefinition, LabId } from './types';

export const LABS = { surface: surfaceLab, train: trainLab, search: searchLab, compress: compressLab } as const;

export const LAB_LIST: LabDefinition[] = Object.values(LABS) as unknown as LabDefinition[];

/** The lab whose spec kind this is. */
export function labOfKind(kind: ExperimentSpec['kind']): LabDefinition {
  return LAB_LIST.find((l) => l.kind === kind)!;
}

/** The lab a job belongs to, and the job's definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a job's spec, events and result are its own
export function jobOf(key: JobKey): { lab: LabDefinition; job: JobDefinition<any, any, any, any> } {
  const lab = LAB_LIST.find((l) => l.jobs[key] !== undefined)!;
  return { lab, job: lab.jobs[key]! };
}

export type { LabId };
