/**
 * ExperimentSpec kind `compress`: a base `train` experiment with one run (the model that is trained,
 * then pruned or quantized; the teacher; or the pretrained network), the method that compresses or
 * adapts it, and each method's settings. `fineTune` is what every method trains afterwards (fine-tuning
 * after pruning, QAT, the students, the adaptation to the target task): the base run's optimizer at
 * rate `lr`, the base's batch size, `epochs` epochs.
 */
import { z } from 'zod';
import { trainDataShape, TRAIN_LIMITS, type TrainSpec } from './trainSchema';
import { numberInRange } from './fields';
import { searchBaseParse, searchBaseSchema } from './searchSchema';

/** The four ways to adapt a pretrained network (the transfer study's rows). */
export const TRANSFER_STRATEGIES = ['freeze', 'finetune', 'lowerLr', 'scratch'] as const;
export type TransferStrategy = (typeof TRANSFER_STRATEGIES)[number];

export const COMPRESS_METHODS = ['pruning', 'quantization', 'distillation', 'transfer'] as const;
export type CompressMethod = (typeof COMPRESS_METHODS)[number];
export const PRUNE_SCHEDULES = ['oneShot', 'gradual', 'lottery'] as const;
export const PRUNE_SCOPES = ['layer', 'global', 'structured'] as const;
export const QUANT_BITS = [8, 4, 2] as const;
export const COMPRESS_LIMITS = {
  maxSparsities: 12,
  maxLabels: 4,
  maxTemperatures: 6,
  maxRounds: 8,
  maxDraws: 10,
} as const;

export interface CompressSpec {
  version: 1;
  kind: 'compress';
  seed: number;
  method: CompressMethod;
  /** the trained model: compressed (pruning, quantization), the teacher (distillation), or pretrained on the source classes (transfer) */
  base: TrainSpec;
  fineTune: { epochs: number; lr: number };
  pruning: {
    schedule: (typeof PRUNE_SCHEDULES)[number];
    scope: (typeof PRUNE_SCOPES)[number];
    sparsities: number[];
    /** lottery ticket: rounds, share of the remaining weights pruned per round, and the epoch rewound to (0: initialisation) */
    rounds: number;
    rate: number;
    rewindEpochs: number;
  };
  quantization: {
    bits: number[];
    scheme: 'affine' | 'symmetric';
    perChannel: boolean;
    activations: boolean;
    qat: boolean;
  };
  /** studentRows: the students train on the first this many training rows (null: all of them), the teacher on all */
  distillation: {
    student: number[];
    T: number;
    alpha: number;
    temperatures: number[];
    sample: number;
    studentRows: number | null;
  };
  /** draws: how many different sets of `labels` labelled rows each strategy adapts on (results are their mean) */
  transfer: { source: number[]; target: number[]; labels: number[]; baseScale: number; draws: number };
}

const classList = z
  .array(numberInRange({ min: 0, max: 9, integer: true }), 'must be a list of class numbers')
  .min(2, 'at least 2 classes')
  .max(5, 'at most 5 classes');

export const compressSpecSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1'),
    kind: z.literal('compress'),
    seed: numberInRange({ min: 0, max: 2 ** 32 - 1, integer: true }).optional(),
    method: z.enum(COMPRESS_METHODS, `must be one of ${COMPRESS_METHODS.join(', ')}`).optional(),
    base: searchBaseSchema,
    fineTune: z
      .strictObject({
        epochs: numberInRange({ min: 0, max: 100, integer: true }).optional(),
        lr: numberInRange({ min: 1e-6, max: 10 }).optional(),
      })
      .optional(),
    pruning: z
      .strictObject({
        schedule: z.enum(PRUNE_SCHEDULES, `must be one of ${PRUNE_SCHEDULES.join(', ')}`).optional(),
        scope: z.enum(PRUNE_SCOPES, `must be one of ${PRUNE_SCOPES.join(', ')}`).optional(),
        sparsities: z
          .array(numberInRange({ min: 0, max: 0.999 }), 'must be a list of sparsities (0 to 0.999)')
          .min(1, 'give at least one sparsity')
          .max(COMPRESS_LIMITS.maxSparsities, `at most ${COMPRESS_LIMITS.maxSparsities} sparsities`)
          .optional(),
        rounds: numberInRange({ min: 1, max: COMPRESS_LIMITS.maxRounds, integer: true }).optional(),
        rate: numberInRange({ min: 0.05, max: 0.95 }).optional(),
        rewindEpochs: numberInRange({ min: 0, max: 100, integer: true }).optional(),
      })
      .optional(),
    quantization: z
      .strictObject({
        bits: z
          .array(
            z.union(
              QUANT_BITS.map((b) => z.literal(b)),
              `each must be one of ${QUANT_BITS.join(', ')}`,
            ),
            'must be a list of bit widths',
          )
          .min(1, 'give at least one bit width')
          .max(3)
          .optional(),
        scheme: z.enum(['affine', 'symmetric'], 'must be affine or symmetric').optional(),
        perChannel: z.boolean('must be true or false').optional(),
        activations: z.boolean('must be true or false').optional(),
        qat: z.boolean('must be true or false').optional(),
      })
      .optional(),
    distillation: z
      .strictObject({
        student: z
          .array(numberInRange({ min: 1, max: TRAIN_LIMITS.maxWidth, integer: true }), 'must be a list of layer widths')
          .max(TRAIN_LIMITS.maxHidden)
          .optional(),
        T: numberInRange({ min: 1, max: 50 }).optional(),
        alpha: numberInRange({ min: 0, max: 1 }).optional(),
        temperatures: z
          .array(numberInRange({ min: 0.1, max: 100 }), 'must be a list of temperatures')
          .min(1)
          .max(COMPRESS_LIMITS.maxTemperatures, `at most ${COMPRESS_LIMITS.maxTemperatures} temperatures`)
          .optional(),
        sample: numberInRange({ min: 0, max: 10000, integer: true }).optional(),
        studentRows: numberInRange({ min: 10, max: 60000, integer: true }).nullable().optional(),
      })
      .optional(),
    transfer: z
      .strictObject({
        source: classList.optional(),
        target: classList.optional(),
        labels: z
          .array(numberInRange({ min: 5, max: 10000, integer: true }), 'must be a list of label counts')
          .min(1)
          .max(COMPRESS_LIMITS.maxLabels, `at most ${COMPRESS_LIMITS.maxLabels} label counts`)
          .optional(),
        baseScale: numberInRange({ min: 0, max: 1 }).optional(),
        draws: numberInRange({ min: 1, max: COMPRESS_LIMITS.maxDraws, integer: true }).optional(),
      })
      .optional(),
  })
  .transform((p, ctx): CompressSpec => {
    const seed = p.seed ?? 0;
    const base = searchBaseParse(p.base, seed, ctx);
    if (!base) return z.NEVER;
    const method = p.method ?? 'pruning';
    const shape = trainDataShape(base.data);
    if (shape?.task === 'regression')
      ctx.addIssue({
        code: 'custom',
        path: ['base', 'data', 'name'],
        message: `${base.data.name} is a regression task: the compression lab measures accuracy; use a classification dataset`,
      });
    if (
      base.model.kind !== 'mlp' &&
      base.model.kind !== 'softmax' &&
      base.model.kind !== 'logistic' &&
      base.model.kind !== 'cnn'
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['base', 'model', 'kind'],
        message: 'the compression lab needs a classifier (softmax, logistic, mlp or cnn)',
      });
    }
    const pr = p.pruning;
    const pruning: CompressSpec['pruning'] = {
      schedule: pr?.schedule ?? 'oneShot',
      scope: pr?.scope ?? 'global',
      sparsities: pr?.sparsities ?? [0.5, 0.8, 0.9, 0.95],
      rounds: pr?.rounds ?? 3,
      rate: pr?.rate ?? 0.5,
      rewindEpochs: pr?.rewindEpochs ?? 0,
    };
    if (pruning.rewindEpochs >= base.training.epochs && method === 'pruning' && pruning.schedule === 'lottery') {
      ctx.addIssue({
        code: 'custom',
        path: ['pruning', 'rewindEpochs'],
        message: `must be below the training epochs (${base.training.epochs}): it rewinds to a point inside training`,
      });
    }
    const fineTune = { epochs: p.fineTune?.epochs ?? 2, lr: p.fineTune?.lr ?? 0.001 };
    if (method === 'pruning' && pruning.schedule === 'gradual' && fineTune.epochs === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['fineTune', 'epochs'],
        message: 'gradual pruning prunes while it fine-tunes: give it at least 1 epoch',
      });
    }
    if (method === 'transfer' && fineTune.epochs === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['fineTune', 'epochs'],
        message: 'transfer adapts to the target task: give it at least 1 epoch',
      });
    if (method === 'distillation' && fineTune.epochs === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['fineTune', 'epochs'],
        message: 'the students train for these epochs: give them at least 1',
      });
    const q = p.quantization;
    const quantization: CompressSpec['quantization'] = {
      bits: q?.bits ?? [8, 4, 2],
      scheme: q?.scheme ?? 'affine',
      perChannel: q?.perChannel ?? false,
      activations: q?.activations ?? false,
      qat: q?.qat ?? true,
    };
    const d = p.distillation;
    const distillation: CompressSpec['distillation'] = {
      student: d?.student ?? [8],
      T: d?.T ?? 2,
      alpha: d?.alpha ?? 0.5,
      temperatures: d?.temperatures ?? [1, 2, 4, 8],
      sample: d?.sample ?? 0,
      studentRows: d?.studentRows ?? null,
    };
    const t = p.transfer;
    const transfer: CompressSpec['transfer'] = {
      source: t?.source ?? [0, 1, 2, 3, 4],
      target: t?.target ?? [5, 6, 7, 8, 9],
      labels: t?.labels ?? [50, 200, 1000],
      baseScale: t?.baseScale ?? 0.1,
      draws: t?.draws ?? 1,
    };
    if (method === 'transfer') {
      const classes = shape?.nClasses ?? 10;
      if (base.data.name !== 'csv' && classes < 4)
        ctx.addIssue({
          code: 'custom',
          path: ['base', 'data', 'name'],
          message: `transfer splits the classes into a source and a target task: ${base.data.name} has ${classes}; use mnist`,
        });
      else {
        if (transfer.source.length !== transfer.target.length)
          ctx.addIssue({
            code: 'custom',
            path: ['transfer', 'target'],
            message: `needs as many classes as the source (${transfer.source.length}): the pretrained network's head keeps its size`,
          });
        const both = [...transfer.source, ...transfer.target];
        if (new Set(both).size !== both.length)
          ctx.addIssue({
            code: 'custom',
            path: ['transfer', 'target'],
            message: 'the source and target classes must all differ',
          });
        const over = both.find((c) => c >= classes);
        if (over !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['transfer'],
            message: `class ${over} is not in ${base.data.name} (classes 0–${classes - 1})`,
          });
      }
    }
    return {
      version: 1,
      kind: 'compress',
      seed,
      method,
      base,
      fineTune,
      pruning,
      quantization,
      distillation,
      transfer,
    };
  });
