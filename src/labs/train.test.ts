import { describe, expect, it } from 'vitest';
import type { TrainDelta } from '../engine/training/jobs';
import { DEFAULT_TRAIN_SPEC, trainEventApply, type TrainRecord } from './train';

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
