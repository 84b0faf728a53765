/**
 * The training lab: real models on real data with mini-batches. Its job trains the spec's runs (every
 * press of Train is a record of the history) with live deltas and probes folded in as they come.
 */
import { OPTIMIZERS } from '../engine/optimizers/registry';
import { SCHEDULES } from '../engine/schedules/registry';
import { trainSpecParseValid } from '../engine/spec/schema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { TrainDelta, TrainEvent } from '../engine/training/jobs';
import type { TrainDataInfo, TrainRunProbe, TrainSpecResult } from '../engine/training/runTrainSpec';
import { trainModelEmpty, type ModelWeights, type TrainModelResult } from '../engine/training/types';
import { RUN_COLORS } from './colors';
import { defineLab, type JobRecord } from './types';

/** The opening experiment: an MLP learns the circle, Adam against plain SGD, same weights and batches. */
export const DEFAULT_TRAIN_SPEC: TrainSpec = trainSpecParseValid({
  seed: 0,
  data: { name: 'circle', size: 400, noise: 0.15 },
  model: { kind: 'mlp', hidden: [8, 8], activation: 'tanh', init: 'xavier' },
  training: { batchSize: 32, epochs: 40 },
  runs: [
    { optimizer: { name: 'adam', lr: 0.01 }, color: RUN_COLORS[2] },
    { optimizer: { name: 'sgd', lr: 0.1 }, color: RUN_COLORS[0] },
  ],
});

export interface RecordRun extends TrainModelResult {
  label: string;
  color: string;
  /** the other seeds' results when the record repeats over seeds (this run is seed 0; these are seeds 1…) */
  seeds: TrainModelResult[];
  probe: TrainRunProbe | null;
}

/** A training record's own fields: what its runs produced, streamed in as the engine reads it back. */
export interface TrainFields {
  data: TrainDataInfo | null;
  runs: RecordRun[];
  /** steps taken by the group training now */
  step: number;
  wallMs: number;
  weights: ModelWeights[][] | null;
  /** the trained weights were let go to keep the history's memory bounded (HISTORY_WEIGHTS_BYTES) */
  weightsDropped?: boolean;
}

export type TrainRecord = JobRecord<TrainFields, TrainSpec>;

/** The history keeps trained weights, newest first, up to this many bytes; the newest record's always. */
export const HISTORY_WEIGHTS_BYTES = 128 * 2 ** 20;
/** what a JavaScript number in an array takes */
const NUMBER_BYTES = 8;

/** What a record holds in memory: its per-step curves (every run and seed) and its trained weights. */
export function trainRecordBytes(r: TrainRecord): { curves: number; weights: number } {
  let numbers = 0;
  for (const run of r.runs)
    for (const m of [run, ...run.seeds])
      numbers +=
        m.stepLoss.length +
        m.stepAccuracy.length +
        m.lr.length +
        m.gradNorm.length +
        m.updateRatio.reduce((a, u) => a + u.length, 0);
  let weights = 0;
  for (const model of r.weights ?? []) for (const w of model) weights += w.values.length;
  return { curves: numbers * NUMBER_BYTES, weights: weights * NUMBER_BYTES };
}

/** Which records let their weights go, oldest first, so that the history's weights fit HISTORY_WEIGHTS_BYTES. */
export function trainHistoryTrim(records: TrainRecord[]): { id: number; patch: Partial<TrainRecord> }[] {
  const out: { id: number; patch: Partial<TrainRecord> }[] = [];
  let kept = 0;
  [...records].reverse().forEach((r, i) => {
    if (!r.weights) return;
    const bytes = trainRecordBytes(r).weights;
    if (i === 0 || kept + bytes <= HISTORY_WEIGHTS_BYTES) kept += bytes;
    else out.push({ id: r.id, patch: { weights: null, weightsDropped: true } });
  });
  return out;
}

export function trainRunLabel(run: TrainSpec['runs'][number], index: number): string {
  if (run.label) return run.label;
  const o = run.optimizer;
  const extra = o.name === 'sgd' && Number(o.momentum) > 0 ? `, momentum ${o.momentum}` : '';
  return `${index + 1}. ${OPTIMIZERS[o.name].label}, lr ${o.lr}${extra}${run.schedule.name !== 'constant' ? `, ${SCHEDULES[run.schedule.name].label}` : ''}`;
}

export function trainRecordTitle(spec: TrainSpec): string {
  const m = spec.model;
  const model =
    m.kind === 'mlp'
      ? `MLP ${m.hidden.join('-')} ${m.activation}`
      : m.kind === 'cnn'
        ? `CNN ${m.hidden.join('-')}`
        : m.kind;
  const data = spec.data.name === 'csv' ? (spec.data.file ?? 'CSV') : spec.data.name;
  return `${data} · ${model} · batch ${spec.training.batchSize} · ${spec.training.epochs} epochs${spec.training.seeds > 1 ? ` · ${spec.training.seeds} seeds` : ''}`;
}

/** Appends a delta to a model's series (they start at `from`; a repeated delta is not added twice). */
function apply(m: TrainModelResult, d: TrainDelta): TrainModelResult {
  for (const key of ['stepLoss', 'stepAccuracy', 'lr', 'gradNorm', 'updateRatio'] as const) {
    const arr = m[key] as unknown[];
    arr.length = Math.min(arr.length, d.from);
    arr.push(...(d[key] as unknown[]));
  }
  return {
    ...m,
    epochs: d.epochs,
    status: d.status,
    ...(d.divergedAt !== undefined ? { divergedAt: d.divergedAt } : {}),
    ...(d.stoppedAfter !== undefined ? { stoppedAfter: d.stoppedAfter } : {}),
    ...(d.evaluations !== undefined ? { evaluations: d.evaluations } : {}),
  };
}

/**
 * A training event folded into its record. Step arrays grow in place (the record and run objects are
 * replaced, so React sees the change without copying 10⁵-point series on every readback).
 */
export function trainEventApply(record: TrainRecord, event: TrainEvent): Partial<TrainRecord> {
  if (event.type === 'data')
    return { data: event.info, status: record.status === 'queued' ? 'running' : record.status };
  const runs = record.runs.slice();
  for (const d of event.deltas) {
    const run = runs[d.run];
    if (d.seed === 0) runs[d.run] = { ...run, ...apply(run, d) } as RecordRun;
    else {
      const seeds = run.seeds.slice();
      seeds[d.seed - 1] = apply(seeds[d.seed - 1] ?? trainModelEmpty(), d);
      runs[d.run] = { ...runs[d.run], seeds };
    }
  }
  for (const [i, probe] of event.probes ?? []) runs[i] = { ...runs[i], probe };
  return { runs, step: event.step, wallMs: Date.now() - record.startedAt };
}

export const trainLab = defineLab<TrainSpec>({
  id: 'train',
  label: 'Training lab',
  kind: 'train',
  defaults: DEFAULT_TRAIN_SPEC,
  // a shared training experiment trains on opening, so the link reproduces it
  onLink: 'run',
  data: (spec) => spec.data,
  run: 'train',
  jobs: {
    train: {
      engine: () => import('../engine/training/jobs'),
      record: {
        title: trainRecordTitle,
        initial: (spec): TrainFields => ({
          data: null,
          step: 0,
          wallMs: 0,
          weights: null,
          runs: spec.runs.map((r, i) => ({
            label: trainRunLabel(r, i),
            color: r.color ?? RUN_COLORS[i % RUN_COLORS.length],
            ...trainModelEmpty(),
            seeds: [],
            probe: null,
          })),
        }),
        event: trainEventApply,
        trim: trainHistoryTrim,
        result: (r: TrainRecord, result: TrainSpecResult) => ({
          wallMs: Date.now() - r.startedAt,
          weights: result.weights ?? null,
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
        }),
      },
    },
  },
  page: () => import('../ui/train/TrainPage').then((m) => ({ default: m.TrainPage })),
  cli: () => import('../cli/train'),
});
