/**
 * The training lab's state: the `train` spec being edited, the user's CSV file (kept on the page,
 * never in a link), and the run history. A record is one press of Train: a frozen copy of the spec
 * and everything its runs produced, streamed in as the engine reads it back.
 */
import type { StateCreator } from 'zustand';
import { OPTIMIZERS, type OptimizerName } from '../engine/optimizers/registry';
import { SCHEDULES, type ScheduleName } from '../engine/schedules/registry';
import { specParse, trainSpecParseValid, type SpecError } from '../engine/spec/schema';
import type { TrainSpec } from '../engine/spec/trainSchema';
import type { ModelWeights, TrainModelResult } from '../engine/training/train';
import type { TrainDataInfo, TrainRunProbe } from '../engine/training/runTrainSpec';
import { RUN_COLORS } from './experimentSlice';
import type { AppState } from './store';

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

export type Lab = 'surface' | 'train' | 'search' | 'compress';

export interface RecordRun extends TrainModelResult {
  label: string;
  color: string;
  /** the other seeds' results when the record repeats over seeds (this run is seed 0; these are seeds 1…) */
  seeds: TrainModelResult[];
  probe: TrainRunProbe | null;
}

export type RecordStatus = 'loading' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

export interface TrainRecord {
  id: number;
  spec: TrainSpec;
  /** what the history calls it */
  title: string;
  data: TrainDataInfo | null;
  runs: RecordRun[];
  status: RecordStatus;
  error: string | null;
  /** steps taken by the group training now */
  step: number;
  startedAt: number;
  wallMs: number;
  weights: ModelWeights[][] | null;
  /** the backend that trained it (known when it finishes) */
  backend: string | null;
}

export interface CsvFile {
  name: string;
  text: string;
  header: string[];
  /** data rows (before parsing problems are found) */
  rows: number;
}

export interface TrainSlice {
  lab: Lab;
  trainSpec: TrainSpec;
  csvFile: CsvFile | null;
  history: TrainRecord[];
  /** records drawn on the charts (ids); the newest is added when it starts */
  overlay: number[];
  baseline: number | null;
  /** the record and run whose probes feed the views */
  focus: { record: number; run: number } | null;
  /** why Train could not start */
  trainError: string | null;
  trainErrorSet(message: string | null): void;
  labSet(lab: Lab): void;
  /** replaces the spec (from a link, or after an edit); an invalid edit keeps the previous one */
  trainSpecReplace(spec: TrainSpec): void;
  trainEdit(fn: (spec: TrainSpec) => unknown): SpecError[] | null;
  trainRunOptimizerSet(run: number, name: OptimizerName): void;
  trainRunHyperSet(run: number, key: string, value: number | boolean): void;
  trainRunScheduleSet(run: number, name: ScheduleName): void;
  trainRunScheduleParamSet(run: number, key: string, value: number | number[]): void;
  trainRunAdd(): void;
  trainRunRemove(run: number): void;
  csvFileSet(file: CsvFile | null): void;
  recordStart(spec: TrainSpec): number;
  recordUpdate(id: number, fn: (r: TrainRecord) => Partial<TrainRecord>): void;
  recordRemove(id: number): void;
  overlayToggle(id: number): void;
  baselineSet(id: number | null): void;
  focusSet(focus: { record: number; run: number }): void;
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

function defaultsOf(name: OptimizerName): Record<string, number | boolean> {
  return Object.fromEntries(OPTIMIZERS[name].hyper.map((h) => [h.key, h.default]));
}

export const createTrainSlice: StateCreator<AppState, [], [], TrainSlice> = (set, get) => {
  let nextId = 1;
  const edit = (fn: (spec: TrainSpec) => unknown): SpecError[] | null => {
    const r = specParse(fn(get().trainSpec));
    if (!r.ok) return r.errors;
    if (r.spec.kind === 'train') set({ trainSpec: r.spec });
    return null;
  };
  const editRun = (run: number, fn: (r: TrainSpec['runs'][number]) => unknown) =>
    edit((spec) => ({ ...spec, runs: spec.runs.map((r, i) => (i === run ? fn(r) : r)) }));
  return {
    lab: 'surface',
    trainSpec: DEFAULT_TRAIN_SPEC,
    csvFile: null,
    history: [],
    overlay: [],
    baseline: null,
    focus: null,
    trainError: null,
    trainErrorSet: (trainError) => set({ trainError }),
    labSet: (lab) => set({ lab }),
    trainSpecReplace: (trainSpec) => set({ trainSpec }),
    trainEdit: edit,
    trainRunOptimizerSet: (run, name) =>
      void editRun(run, (r) => ({ ...r, optimizer: { name, ...defaultsOf(name), lr: r.optimizer.lr } })),
    trainRunHyperSet: (run, key, value) =>
      void editRun(run, (r) => ({ ...r, optimizer: { ...r.optimizer, [key]: value } })),
    trainRunScheduleSet: (run, name) =>
      void editRun(run, (r) => ({ ...r, schedule: { name, warmupSteps: r.schedule.warmupSteps } })),
    trainRunScheduleParamSet: (run, key, value) =>
      void editRun(run, (r) => ({ ...r, schedule: { ...r.schedule, [key]: value } })),
    trainRunAdd: () =>
      void edit((spec) => {
        const last = spec.runs[spec.runs.length - 1];
        const used = new Set(spec.runs.map((r) => r.color));
        const color = RUN_COLORS.find((c) => !used.has(c)) ?? RUN_COLORS[spec.runs.length % RUN_COLORS.length];
        return { ...spec, runs: [...spec.runs, { ...last, label: undefined, color }] };
      }),
    trainRunRemove: (run) => void edit((spec) => ({ ...spec, runs: spec.runs.filter((_, i) => i !== run) })),
    csvFileSet: (csvFile) => set({ csvFile }),
    recordStart: (spec) => {
      const id = nextId++;
      const record: TrainRecord = {
        id,
        spec,
        title: trainRecordTitle(spec),
        data: null,
        status: 'loading',
        error: null,
        step: 0,
        startedAt: Date.now(),
        wallMs: 0,
        weights: null,
        backend: null,
        runs: spec.runs.map((r, i) => ({
          label: trainRunLabel(r, i),
          color: r.color ?? RUN_COLORS[i % RUN_COLORS.length],
          stepLoss: [],
          stepAccuracy: [],
          lr: [],
          gradNorm: [],
          updateRatio: [],
          epochs: [],
          status: 'ok',
          seeds: [],
          probe: null,
        })),
      };
      set((s) => ({ history: [...s.history, record], overlay: [...s.overlay, id], focus: { record: id, run: 0 } }));
      return id;
    },
    recordUpdate: (id, fn) => set((s) => ({ history: s.history.map((r) => (r.id === id ? { ...r, ...fn(r) } : r)) })),
    recordRemove: (id) =>
      set((s) => ({
        history: s.history.filter((r) => r.id !== id),
        overlay: s.overlay.filter((o) => o !== id),
        baseline: s.baseline === id ? null : s.baseline,
        focus: s.focus?.record === id ? null : s.focus,
      })),
    overlayToggle: (id) =>
      set((s) => ({ overlay: s.overlay.includes(id) ? s.overlay.filter((o) => o !== id) : [...s.overlay, id] })),
    baselineSet: (baseline) => set({ baseline }),
    focusSet: (focus) => set({ focus }),
  };
};
