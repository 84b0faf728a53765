import { describe, expect, it } from 'vitest';
import type { TrainDelta } from '../engine/training/jobs';
import {
  DEFAULT_TRAIN_SPEC,
  HISTORY_WEIGHTS_BYTES,
  trainEventApply,
  trainHistoryTrim,
  trainRecordBytes,
  type TrainRecord,
} from './train';

const record = (): TrainRecord => ({
  id: 1,
  spec: DEFAULT_TRAIN_SPEC,
  title: 't',
  data: null,
  key: 'train',
  status: 'running',
  paused: false,
  error: null,
  step: 0,
  startedAt: Date.now(),
  updatedAt: Date.now(),
  finishedAt: null,
  wallMs: 0,
  weights: null,
  backend: null,
  runs: DEFAULT_TRAIN_SPEC.runs.map(() => ({
    label: 'r',
    color: '#000000',
    stepLoss: [],
    stepAccuracy: [],
    lr: [],
    gradNorm: [],
    updateRatio: [],
    epochs: [],
    status: 'running' as const,
    seeds: [],
    probe: null,
  })),
});
const delta = (run: number, seed: number, from: number, loss: number[]): TrainDelta => ({
  run,
  seed,
  from,
  stepLoss: loss,
  stepAccuracy: loss.map(() => 0.5),
  lr: loss.map(() => 0.1),
  gradNorm: loss.map(() => 1),
  updateRatio: loss.map(() => [0.01]),
  epochs: [],
  status: 'running',
});

describe('trainEventApply', () => {
  it('appends deltas at their step, replaces a repeated chunk instead of adding it twice, and files seeds apart', () => {
    let r = record();
    const apply = (deltas: TrainDelta[]) =>
      (r = { ...r, ...trainEventApply(r, { type: 'progress', step: 0, deltas, probes: null }) });
    apply([delta(0, 0, 0, [3, 2]), delta(1, 0, 0, [5])]);
    apply([delta(0, 0, 2, [1]), delta(0, 1, 0, [9, 8, 7])]);
    apply([delta(0, 0, 2, [1.5])]); // the same chunk again (e.g. after the final result): replaced
    expect(r.runs[0].stepLoss).toEqual([3, 2, 1.5]);
    expect(r.runs[0].lr).toEqual([0.1, 0.1, 0.1]);
    expect(r.runs[1].stepLoss).toEqual([5]);
    expect(r.runs[0].seeds[0].stepLoss).toEqual([9, 8, 7]);
  });

  it('a data event fills the record and moves it from queued to running', () => {
    const r = { ...record(), status: 'queued' as const };
    const info = {
      name: 'circle',
      task: 'classification' as const,
      train: 320,
      test: 80,
      features: 2,
      classes: 2,
      classNames: null,
      featureNames: null,
      stepsPerEpoch: 10,
    };
    expect(trainEventApply(r, { type: 'data', info })).toEqual({ data: info, status: 'running' });
  });
});

describe('the history keeps its memory bounded', () => {
  /** a finished record whose one run holds `values` trained weights and 3 steps of curves */
  const finished = (id: number, values: number): TrainRecord => {
    const r = record();
    r.id = id;
    r.status = 'done';
    r.runs[0] = {
      ...r.runs[0],
      stepLoss: [1, 2, 3],
      lr: [0.1, 0.1, 0.1],
      updateRatio: [
        [1, 2],
        [1, 2],
        [1, 2],
      ],
    };
    r.weights = [[{ name: 'l0/w', shape: [values], values: new Array<number>(values).fill(0.5) }]];
    return r;
  };

  it('counts the curves and the weights of a record as 8-byte numbers', () => {
    expect(trainRecordBytes(finished(1, 100))).toEqual({ curves: (3 + 3 + 6) * 8, weights: 800 });
  });

  it('lets the oldest records’ weights go once the weights are over the cap; the newest keeps its own', () => {
    const quarter = HISTORY_WEIGHTS_BYTES / 8 / 4; // values that take a quarter of the cap
    const records = [1, 2, 3, 4, 5].map((id) => finished(id, quarter));
    // the newest four fill the cap exactly; the first is let go
    expect(trainHistoryTrim(records)).toEqual([{ id: 1, patch: { weights: null, weightsDropped: true } }]);
    expect(trainHistoryTrim(records.slice(1))).toEqual([]);
    // a newest record over the cap on its own keeps its weights (they can still be downloaded); all older go
    const big = [finished(1, quarter), finished(2, 5 * quarter)];
    expect(trainHistoryTrim(big).map((t) => t.id)).toEqual([1]);
  });
});
