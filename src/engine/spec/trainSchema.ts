/**
 * ExperimentSpec kind `train`: a dataset, a model, training settings and 1–8 runs (optimizer +
 * schedule each). By default every run starts from the same initial weights and sees the same batch
 * order, so the comparison is fair.
 */
import { z } from 'zod';
import { datasetTestRows } from '../data/dataset';
import { SYNTHETIC_NAMES } from '../data/synthetic';
import { ACTIVATIONS, INITS, MODEL_KINDS, modelShape, type ModelSpec } from '../models/shape';
import { OPTIMIZERS, optimizerWithDefaults, type OptimizerSetting } from '../optimizers/registry';
import { scheduleWithDefaults, type ScheduleName } from '../schedules/registry';
import { numberInRange, optimizerSchema, scheduleSchema } from './fields';

export const TRAIN_DATASETS = [...SYNTHETIC_NAMES, 'iris', 'mnist', 'csv'] as const;
export type TrainDatasetName = (typeof TRAIN_DATASETS)[number];
export const TRAIN_LIMITS = {
  maxRuns: 8,
  maxEpochs: 1000,
  maxHidden: 6,
  maxWidth: 1024,
  maxSize: 5000,
  maxSeeds: 10,
} as const;

const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, `${what}: one of ${values.join(', ')}`);

const dataSchema = z.strictObject({
  name: enumOf(TRAIN_DATASETS as unknown as [TrainDatasetName, ...TrainDatasetName[]], 'the dataset must be'),
  size: numberInRange({ min: 10, max: TRAIN_LIMITS.maxSize, integer: true }).optional(),
  noise: numberInRange({ min: 0, max: 5 }).optional(),
  limit: numberInRange({ min: 100, max: 10000, integer: true }).optional(),
  testFraction: numberInRange({ min: 0.05, max: 0.9 }).optional(),
  /** csv only: the label column and the feature columns (the file itself never goes into a link) */
  label: z.string('must be a column name').max(200).optional(),
  features: z.array(z.string('must be a column name').max(200)).max(1000).optional(),
  file: z.string('must be a file name').max(200).optional(),
});

const modelSchema = z.strictObject({
  kind: enumOf(MODEL_KINDS, 'the model must be').optional(),
  hidden: z
    .array(numberInRange({ min: 0, max: TRAIN_LIMITS.maxWidth, integer: true }), 'must be a list of layer widths')
    .max(TRAIN_LIMITS.maxHidden, `at most ${TRAIN_LIMITS.maxHidden} hidden layers`)
    .optional(),
  activation: enumOf(ACTIVATIONS, 'the activation must be').optional(),
  init: enumOf(INITS, 'the initialisation must be').optional(),
});

const trainingSchema = z.strictObject({
  batchSize: numberInRange({ min: 1, max: 100000, integer: true }).optional(),
  epochs: numberInRange({ min: 1, max: TRAIN_LIMITS.maxEpochs, integer: true }).optional(),
  l1: numberInRange({ min: 0, max: 1 }).optional(),
  l2: numberInRange({ min: 0, max: 1 }).optional(),
  clipNorm: numberInRange({ min: 1e-6, max: 1e6 }).nullable().optional(),
  clipValue: numberInRange({ min: 1e-6, max: 1e6 }).nullable().optional(),
  patience: numberInRange({ min: 1, max: 1000, integer: true }).nullable().optional(),
  dropout: numberInRange({ min: 0, max: 0.9 }).optional(),
  seeds: numberInRange({ min: 1, max: TRAIN_LIMITS.maxSeeds, integer: true }).optional(),
});

const runSchema = z.strictObject({
  optimizer: optimizerSchema,
  schedule: scheduleSchema.optional(),
  label: z.string('must be text').max(60, 'at most 60 characters').optional(),
  color: z
    .string('must be text')
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f77b4')
    .optional(),
  /** seeds this run's initial weights; by default the spec's seed, the same for every run */
  initSeed: numberInRange({ min: 0, max: 2 ** 32 - 1, integer: true }).optional(),
});

export interface TrainSpec {
  version: 1;
  kind: 'train';
  seed: number;
  data: {
    name: TrainDatasetName;
    size: number;
    noise: number;
    limit: number;
    testFraction: number;
    label?: string;
    features?: string[];
    file?: string;
  };
  model: ModelSpec;
  /** seeds: each run is repeated with this many seeds (init and batch order) for mean ± spread bands */
  training: {
    batchSize: number;
    epochs: number;
    l1: number;
    l2: number;
    clipNorm: number | null;
    clipValue: number | null;
    patience: number | null;
    dropout: number;
    seeds: number;
  };
  runs: {
    optimizer: OptimizerSetting;
    schedule: { name: ScheduleName; warmupSteps: number } & Record<string, number | number[]>;
    label?: string;
    color?: string;
    initSeed: number;
  }[];
}

/** Rows, task and classes of a dataset, known without loading it (null for a CSV file). */
export function trainDataShape(data: TrainSpec['data']): {
  rows: number;
  task: 'classification' | 'regression';
  nFeatures: number;
  nClasses: number;
  image?: [number, number, number];
} | null {
  if (data.name === 'csv') return null;
  if (data.name === 'mnist')
    return { rows: data.limit, task: 'classification', nFeatures: 784, nClasses: 10, image: [28, 28, 1] };
  if (data.name === 'iris') return { rows: 150, task: 'classification', nFeatures: 4, nClasses: 3 };
  const regression = data.name === 'linear' || data.name === 'sine';
  return {
    rows: data.size,
    task: regression ? 'regression' : 'classification',
    nFeatures: regression ? 1 : 2,
    nClasses: regression ? 0 : 2,
  };
}

export const trainSpecSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1'),
    kind: z.literal('train'),
    seed: numberInRange({ min: 0, max: 2 ** 32 - 1, integer: true }).optional(),
    data: dataSchema,
    model: modelSchema.optional(),
    training: trainingSchema.optional(),
    runs: z
      .array(runSchema, 'must be a list of runs')
      .min(1, 'needs at least one run')
      .max(TRAIN_LIMITS.maxRuns, `at most ${TRAIN_LIMITS.maxRuns} runs`),
  })
  .transform((p, ctx): TrainSpec => {
    const seed = p.seed ?? 0;
    const spec: TrainSpec = {
      version: 1,
      kind: 'train',
      seed,
      data: {
        name: p.data.name,
        size: p.data.size ?? 400,
        noise: p.data.noise ?? 0.2,
        limit: p.data.limit ?? 10000,
        testFraction: p.data.testFraction ?? 0.2,
        ...(p.data.name === 'csv'
          ? {
              label: p.data.label ?? '',
              features: p.data.features ?? [],
              ...(p.data.file ? { file: p.data.file } : {}),
            }
          : {}),
      },
      model: {
        kind: p.model?.kind ?? 'mlp',
        hidden: p.model?.hidden ?? [8, 8],
        activation: p.model?.activation ?? 'tanh',
        init: p.model?.init ?? 'xavier',
      },
      training: {
        batchSize: p.training?.batchSize ?? 32,
        epochs: p.training?.epochs ?? 20,
        l1: p.training?.l1 ?? 0,
        l2: p.training?.l2 ?? 0,
        clipNorm: p.training?.clipNorm ?? null,
        clipValue: p.training?.clipValue ?? null,
        patience: p.training?.patience ?? null,
        dropout: p.training?.dropout ?? 0,
        seeds: p.training?.seeds ?? 1,
      },
      runs: p.runs.map((r) => {
        const opt = r.optimizer as { name: OptimizerSetting['name'] } & Record<string, number | boolean>;
        return {
          optimizer: { ...optimizerWithDefaults(opt.name, opt), name: opt.name } as OptimizerSetting,
          schedule: scheduleWithDefaults(
            (r.schedule ?? { name: 'constant' }) as { name: ScheduleName },
          ) as TrainSpec['runs'][number]['schedule'],
          ...(r.label !== undefined ? { label: r.label } : {}),
          ...(r.color !== undefined ? { color: r.color } : {}),
          initSeed: r.initSeed ?? seed,
        };
      }),
    };
    // settings that are each valid but impossible together
    const closureRun = spec.runs.find((r) => OPTIMIZERS[r.optimizer.name].closure);
    if (closureRun && spec.training.seeds > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'seeds'],
        message: `${OPTIMIZERS[closureRun.optimizer.name].label} is not batched (each model has its own line search), so it trains one seed: set seeds to 1`,
      });
    const shape = trainDataShape(spec.data);
    if (!shape) return spec; // a CSV file: its shape is checked when it is loaded
    const problem = modelShape(spec.model, shape);
    if (typeof problem === 'string')
      ctx.addIssue({
        code: 'custom',
        path: /hidden layer/.test(problem) ? ['model', 'hidden'] : ['model', 'kind'],
        message: problem,
      });
    const trainRows = shape.rows - datasetTestRows(shape.rows, spec.data.testFraction);
    if (spec.training.batchSize > trainRows) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'batchSize'],
        message: `${spec.training.batchSize} is larger than the training set (${trainRows} rows)`,
      });
    }
    return spec;
  });
