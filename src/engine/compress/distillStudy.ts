/**
 * Knowledge distillation (Hinton et al. 2015): a teacher, then the same student twice on the same
 * budget and initial weights, from the labels alone and from α·T²·KL(teacher_T ‖ student_T) + (1 − α)·CE.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetRows, type Dataset } from '../data/dataset';
import { modelForward } from '../models/models';
import type { ModelSpec } from '../models/shape';
import type { EpochMetrics } from '../training/train';
import { softTargets } from './distill';
import {
  fineTuneConfig,
  lastMetrics,
  paramsOf,
  shapeOf,
  stageRun,
  type FineTune,
  type Metrics,
  type StudyContext,
} from './stage';

export interface DistillStudy {
  teacher: Metrics;
  /** the training rows the teacher learned from, and the students (the first studentRows of them) */
  teacherRows: number;
  studentRows: number;
  /** the student trained on the labels alone, and distilled, on the same budget and initial weights */
  scratch: EpochMetrics[];
  distilled: EpochMetrics[];
  /** which student's training diverged, where one did (its curve stops there) */
  diverged?: { scratch: boolean; distilled: boolean };
  /** the teacher's softened probabilities for one test row at each temperature */
  softTargets: { T: number; probs: number[] }[];
  sample: { index: number; label: number };
}

/**
 * Trains a teacher, then the same student from scratch and distilled (α·T²·KL + (1 − α)·CE). With
 * `studentRows` the students learn from the first that many training rows only (the teacher from
 * all): the usual case of a teacher trained once on everything and a student trained cheaply, where
 * the teacher's soft targets carry what it learned from the rows the student never sees.
 */
export async function distillStudy(
  train: Dataset,
  test: Dataset,
  options: {
    teacher: ModelSpec;
    student: ModelSpec;
    teacherTrain: FineTune;
    studentTrain: FineTune;
    T: number;
    alpha: number;
    temperatures: number[];
    sample: number;
    studentRows: number | null;
  },
  ctx: StudyContext = {},
): Promise<DistillStudy> {
  const t = await stageRun(
    ctx,
    'training the teacher',
    train,
    test,
    fineTuneConfig(options.teacher, options.teacherTrain, undefined),
    true,
  );
  const shape = shapeOf(options.teacher, train);
  const params = paramsOf(t.weights![0]);
  const logitsOf = async (ds: Dataset) => {
    const out = tf.tidy(() => tf.squeeze(modelForward(shape, params, tf.tensor2d(ds.x, [ds.n, ds.nFeatures])), [0]));
    const v = (await out.data()) as Float32Array;
    out.dispose();
    return v;
  };
  const logits = await logitsOf(train);
  const sample = Math.min(options.sample, test.n - 1);
  const testLogits = await logitsOf(test);
  tf.dispose(Object.values(params));
  const C = train.nClasses;
  const row = Array.from(testLogits.subarray(sample * C, (sample + 1) * C));
  const rows = Math.min(options.studentRows ?? train.n, train.n);
  const few =
    rows < train.n
      ? datasetRows(
          train,
          Int32Array.from({ length: rows }, (_, i) => i),
          `${train.name} (${rows} rows)`,
        )
      : train;
  const budget = { ...options.studentTrain, batchSize: Math.min(options.studentTrain.batchSize, rows) };
  const scratch = await stageRun(
    ctx,
    'training the student from scratch',
    few,
    test,
    fineTuneConfig(options.student, budget, undefined),
  );
  const distilled = await stageRun(
    ctx,
    'distilling the student',
    few,
    test,
    fineTuneConfig(options.student, budget, {
      teacher: { logits: logits.subarray(0, rows * C), T: options.T, alpha: options.alpha },
    }),
  );
  return {
    teacher: lastMetrics(t),
    teacherRows: train.n,
    studentRows: rows,
    scratch: scratch.models[0].epochs,
    distilled: distilled.models[0].epochs,
    ...(scratch.models[0].status === 'diverged' || distilled.models[0].status === 'diverged'
      ? {
          diverged: {
            scratch: scratch.models[0].status === 'diverged',
            distilled: distilled.models[0].status === 'diverged',
          },
        }
      : {}),
    softTargets: options.temperatures.map((T) => ({ T, probs: softTargets(row, T) })),
    sample: { index: sample, label: test.y[sample] },
  };
}
