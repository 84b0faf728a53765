/**
 * Edits of an experiment's runs, the same in every lab that has runs (surface, training): each takes a
 * run and returns the edited one. Changing the optimizer keeps the learning rate (comparing optimizers
 * at one rate is the usual question) and takes the new optimizer's defaults for the rest; changing
 * the schedule keeps the warmup.
 */
import { OPTIMIZERS, type OptimizerName, type OptimizerSetting } from '../engine/optimizers/registry';
import { SCHEDULES, type ScheduleName } from '../engine/schedules/registry';
import { RUN_COLORS } from '../labs/colors';

interface Run {
  optimizer: OptimizerSetting;
  schedule: { name: ScheduleName; warmupSteps: number } & Record<string, number | number[]>;
  color?: string;
  label?: string;
}

const defaultsOf = (name: OptimizerName): Record<string, number | boolean> =>
  Object.fromEntries(OPTIMIZERS[name].hyper.map((h) => [h.key, h.default]));

export const runOptimizerSet = <R extends Run>(r: R, name: OptimizerName): R => ({
  ...r,
  optimizer: { ...defaultsOf(name), name, lr: r.optimizer.lr },
});

export const runHyperSet = <R extends Run>(r: R, key: string, value: number | boolean): R => ({
  ...r,
  optimizer: { ...r.optimizer, [key]: value },
});

export const runScheduleSet = <R extends Run>(r: R, name: ScheduleName): R => ({
  ...r,
  schedule: {
    ...Object.fromEntries(SCHEDULES[name].params.map((p) => [p.key, p.default])),
    name,
    warmupSteps: r.schedule.warmupSteps,
  },
});

export const runScheduleParamSet = <R extends Run>(r: R, key: string, value: number | number[]): R => ({
  ...r,
  schedule: { ...r.schedule, [key]: value },
});

/** A copy of the last run with the first colour no run has, and no label of its own. */
export function runAdded<R extends Run>(runs: R[]): R[] {
  const used = new Set(runs.map((r) => r.color));
  const color = RUN_COLORS.find((c) => !used.has(c)) ?? RUN_COLORS[runs.length % RUN_COLORS.length];
  return [...runs, { ...runs[runs.length - 1], label: undefined, color }];
}

/** A spec with run `i` edited by `fn`. */
export const runsEdit = <S extends { runs: Run[] }>(
  spec: S,
  i: number,
  fn: (r: S['runs'][number]) => S['runs'][number],
): S => ({
  ...spec,
  runs: spec.runs.map((r, k) => (k === i ? fn(r) : r)),
});
