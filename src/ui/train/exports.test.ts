import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SPEC, type TrainRecord } from '../../labs/train';
import { recordMetricsCsv, recordWeightsJson } from './exports';

const record: TrainRecord = {
  id: 3,
  spec: DEFAULT_TRAIN_SPEC,
  key: 'train',
  title: 'circle',
  data: null,
  status: 'done',
  paused: false,
  error: null,
  step: 2,
  startedAt: 0,
  updatedAt: 0,
  finishedAt: 10,
  wallMs: 10,
  backend: 'cpu',
  weights: [
    [
      { name: 'l0/w', shape: [2, 1], values: [0.5, -1] },
      { name: 'l0/b', shape: [1, 1], values: [0.25] },
    ],
  ],
  runs: [
    {
      label: 'Adam "fast"',
      color: '#000000',
      status: 'done',
      seeds: [],
      probe: null,
      stepLoss: [0.7, 0.6],
      stepAccuracy: [0.5, 0.75],
      lr: [0.01, 0.01],
      gradNorm: [1.5, NaN],
      updateRatio: [[0.1], [NaN]],
      epochs: [{ epoch: 1, step: 2, trainLoss: 0.55, testLoss: 0.58, trainAccuracy: 0.8, testAccuracy: 0.75 }],
    },
  ],
};

describe('exports', () => {
  it('metrics CSV: one row per step and per epoch, quotes escaped, empty cells where a value does not apply', () => {
    const lines = recordMetricsCsv(record).trim().split('\n');
    expect(lines[0]).toBe(
      'run,label,kind,step,epoch,loss,accuracy,lr,gradNorm,updateRatio0,trainLoss,testLoss,trainAccuracy,testAccuracy',
    );
    expect(lines[1]).toBe('0,"Adam ""fast""",step,1,,0.7,0.5,0.01,1.5,0.1,,,,');
    // step 2's diagnostics were not measured (NaN): empty cells, not "NaN"
    expect(lines[2]).toBe('0,"Adam ""fast""",step,2,,0.6,0.75,0.01,,,,,,');
    expect(lines[3]).toBe('0,"Adam ""fast""",epoch,2,1,,,,,,0.55,0.58,0.8,0.75');
    expect(lines).toHaveLength(4);
  });
  it('weights JSON: names, shapes and values per run, with the model that reads them', () => {
    const doc = JSON.parse(recordWeightsJson(record)!);
    expect(doc.model).toEqual(DEFAULT_TRAIN_SPEC.model);
    expect(doc.runs[0].parameters[0]).toEqual({ name: 'l0/w', shape: [2, 1], values: [0.5, -1] });
    expect(recordWeightsJson({ ...record, weights: null })).toBeNull();
  });
});
