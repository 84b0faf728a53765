/**
 * ExperimentSpec kind `search`: a base `train` experiment with one run (the optimizer and schedule
 * being tuned), a search space over its settings, a strategy with its budget, and the settings of
 * the lab's two other tools (the batch-size study and the learning-rate range test). `view.tool`
 * says which tool the page (and `optiplay run`) opens.
 */
import { z } from 'zod';
import { searchableParams, searchParamProblem, type SearchParam } from '../search/space';
import { numberInRange } from './fields';
import { trainSpecSchema, type TrainSpec } from './trainSchema';

export const SEARCH_STRATEGIES = ['grid', 'random', 'bayes', 'sha', 'hyperband'] as const;
export type SearchStrategyName = (typeof SEARCH_STRATEGIES)[number];
export const SEARCH_OBJECTIVES = ['testLoss', 'testAccuracy', 'trainLoss'] as const;
export type SearchObjective = (typeof SEARCH_OBJECTIVES)[number];
export const SEARCH_TOOLS = ['search', 'study', 'finder'] as const;
export type SearchTool = (typeof SEARCH_TOOLS)[number];
export const SEARCH_LIMITS = { maxParams: 8, maxTrials: 200, maxParallel: 64, maxSizes: 12 } as const;

export interface SearchSpec {
  version: 1;
  kind: 'search';
  seed: number;
  /** the experiment being tuned: a complete train spec with exactly one run */
  base: TrainSpec;
  space: SearchParam[];
  strategy: {
    name: SearchStrategyName;
    /** trials (configurations) to evaluate; for successive halving, the configurations it starts with */
    trials: number;
    /** bayes: random trials before the GP takes over */
    initial: number;
    /** grid: values per range parameter */
    gridPoints: number;
    /** sha / hyperband: the most epochs one trial gets (R), and the halving rate η */
    maxEpochs: number;
    eta: number;
    /** trials trained together as one batched program (at most) */
    parallel: number;
  };
  objective: SearchObjective;
  study: { sizes: number[]; epochs: number; linearScaling: boolean };
  finder: { minLr: number; maxLr: number; steps: number };
  view: { tool: SearchTool };
}

const paramSchema = z.strictObject({
  param: z.string('must be a parameter name like "optimizer.lr"').max(60),
  min: z.number('must be a number').optional(),
  max: z.number('must be a number').optional(),
  scale: z.enum(['log', 'linear'], 'must be log or linear').optional(),
  values: z.array(z.number('must be a number'), 'must be a list of numbers').max(32, 'at most 32 values').optional(),
});

/** `base` is a train experiment's data, model, training and one run; a whole parsed TrainSpec (with
 * `runs`) is read as its first run, so a parsed search spec parses again to itself. */
export const searchBaseSchema = z.preprocess(
  (v) => {
    if (typeof v !== 'object' || v === null || !Array.isArray((v as { runs?: unknown }).runs) || 'run' in v) return v;
    const t = v as { data?: unknown; model?: unknown; training?: unknown; runs: Record<string, unknown>[] };
    const r = t.runs[0] ?? {};
    return {
      data: t.data,
      model: t.model,
      training: t.training,
      run: {
        optimizer: r.optimizer,
        ...(r.schedule ? { schedule: r.schedule } : {}),
        ...(r.initSeed !== undefined ? { initSeed: r.initSeed } : {}),
      },
    };
  },
  z.strictObject(
    {
      data: z.unknown(),
      model: z.unknown().optional(),
      training: z.unknown().optional(),
      run: z.unknown(),
    },
    'must be an experiment: data, model, training and a run',
  ),
);

/** The base as a train spec with one run; its errors are added at `base.…` (null when it is invalid). */
export function searchBaseParse(
  b: z.output<typeof searchBaseSchema>,
  seed: number,
  ctx: z.RefinementCtx,
): TrainSpec | null {
  const train = trainSpecSchema.safeParse({
    version: 1,
    kind: 'train',
    seed,
    data: b.data,
    ...(b.model !== undefined ? { model: b.model } : {}),
    ...(b.training !== undefined ? { training: b.training } : {}),
    runs: [b.run],
  });
  if (train.success) return train.data;
  for (const iss of train.error.issues) {
    const path = iss.path[0] === 'runs' ? ['base', 'run', ...iss.path.slice(2)] : ['base', ...iss.path];
    ctx.addIssue({ code: 'custom', path, message: iss.message });
  }
  return null;
}

export const searchSpecSchema = z
  .strictObject({
    version: z.literal(1, 'must be 1'),
    kind: z.literal('search'),
    seed: numberInRange({ min: 0, max: 2 ** 32 - 1, integer: true }).optional(),
    base: searchBaseSchema,
    space: z
      .array(paramSchema, 'must be a list of parameters')
      .min(1, 'search at least one parameter')
      .max(SEARCH_LIMITS.maxParams, `at most ${SEARCH_LIMITS.maxParams} parameters`),
    strategy: z
      .strictObject({
        name: z.enum(SEARCH_STRATEGIES, `must be one of ${SEARCH_STRATEGIES.join(', ')}`),
        trials: numberInRange({ min: 1, max: SEARCH_LIMITS.maxTrials, integer: true }).optional(),
        initial: numberInRange({ min: 1, max: SEARCH_LIMITS.maxTrials, integer: true }).optional(),
        gridPoints: numberInRange({ min: 2, max: 20, integer: true }).optional(),
        maxEpochs: numberInRange({ min: 1, max: 243, integer: true }).optional(),
        eta: numberInRange({ min: 2, max: 5, integer: true }).optional(),
        parallel: numberInRange({ min: 1, max: SEARCH_LIMITS.maxParallel, integer: true }).optional(),
      })
      .optional(),
    objective: z.enum(SEARCH_OBJECTIVES, `must be one of ${SEARCH_OBJECTIVES.join(', ')}`).optional(),
    study: z
      .strictObject({
        sizes: z
          .array(numberInRange({ min: 1, max: 100000, integer: true }), 'must be a list of batch sizes')
          .min(1, 'give at least one batch size')
          .max(SEARCH_LIMITS.maxSizes, `at most ${SEARCH_LIMITS.maxSizes} sizes`)
          .optional(),
        epochs: numberInRange({ min: 1, max: 100, integer: true }).optional(),
        linearScaling: z.boolean('must be true or false').optional(),
      })
      .optional(),
    finder: z
      .strictObject({
        minLr: numberInRange({ min: 1e-8, max: 1 }).optional(),
        maxLr: numberInRange({ min: 1e-4, max: 100 }).optional(),
        steps: numberInRange({ min: 10, max: 1000, integer: true }).optional(),
      })
      .optional(),
    view: z
      .strictObject({ tool: z.enum(SEARCH_TOOLS, `must be one of ${SEARCH_TOOLS.join(', ')}`).optional() })
      .optional(),
  })
  .transform((p, ctx): SearchSpec => {
    const seed = p.seed ?? 0;
    const base = searchBaseParse(p.base, seed, ctx);
    if (!base) return z.NEVER;
    const run = base.runs[0];
    const meta = searchableParams(run.optimizer.name, run.schedule.name);
    const seen = new Set<string>();
    const space: SearchParam[] = p.space.map((q, i) => {
      const m = meta.find((x) => x.param === q.param);
      const param: SearchParam = {
        param: q.param,
        min: q.min ?? (q.values ? Math.min(...q.values) : (m?.min ?? 0)),
        max: q.max ?? (q.values ? Math.max(...q.values) : (m?.max ?? 1)),
        scale: q.scale ?? m?.scale ?? 'linear',
        ...(q.values ? { values: q.values } : {}),
      };
      const problem = seen.has(q.param) ? `${q.param} is searched twice` : searchParamProblem(param, meta);
      if (problem) ctx.addIssue({ code: 'custom', path: ['space', i], message: problem });
      seen.add(q.param);
      return param;
    });
    const s = p.strategy;
    const strategy: SearchSpec['strategy'] = {
      name: s?.name ?? 'random',
      trials: s?.trials ?? 20,
      initial: s?.initial ?? 5,
      gridPoints: s?.gridPoints ?? 4,
      maxEpochs: s?.maxEpochs ?? 9,
      eta: s?.eta ?? 3,
      parallel: s?.parallel ?? 8,
    };
    if (strategy.name === 'grid') {
      const size = space.reduce((n, q) => n * (q.values ? q.values.length : strategy.gridPoints), 1);
      if (size > SEARCH_LIMITS.maxTrials)
        ctx.addIssue({
          code: 'custom',
          path: ['strategy', 'gridPoints'],
          message: `the grid has ${size} points; at most ${SEARCH_LIMITS.maxTrials}: use fewer points or parameters`,
        });
    }
    if ((strategy.name === 'sha' || strategy.name === 'hyperband') && seen.has('training.epochs')) {
      ctx.addIssue({
        code: 'custom',
        path: ['space'],
        message: `${strategy.name === 'sha' ? 'successive halving' : 'Hyperband'} chooses the epochs itself (its budget): do not search training.epochs`,
      });
    }
    if (strategy.name === 'hyperband' && strategy.maxEpochs < strategy.eta) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'maxEpochs'],
        message: `must be at least η = ${strategy.eta} for Hyperband to halve anything`,
      });
    }
    const objective = p.objective ?? 'testLoss';
    if (
      objective === 'testAccuracy' &&
      base.data.name !== 'csv' &&
      (base.data.name === 'linear' || base.data.name === 'sine')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['objective'],
        message: `${base.data.name} is a regression task: it has no accuracy; use testLoss`,
      });
    }
    const finder = { minLr: p.finder?.minLr ?? 1e-5, maxLr: p.finder?.maxLr ?? 10, steps: p.finder?.steps ?? 100 };
    if (finder.minLr >= finder.maxLr)
      ctx.addIssue({ code: 'custom', path: ['finder', 'maxLr'], message: 'must be above the lowest rate (minLr)' });
    return {
      version: 1,
      kind: 'search',
      seed,
      base,
      space,
      strategy,
      objective,
      study: {
        sizes: p.study?.sizes ?? [1, 8, 32, 128, 320],
        epochs: p.study?.epochs ?? 3,
        linearScaling: p.study?.linearScaling ?? false,
      },
      finder,
      view: { tool: p.view?.tool ?? 'search' },
    };
  });

/** A train spec's data, model, training and first run, as a search's `base` (the input form). */
export function searchBaseOf(train: TrainSpec): {
  data: TrainSpec['data'];
  model: TrainSpec['model'];
  training: TrainSpec['training'];
  run: {
    optimizer: TrainSpec['runs'][number]['optimizer'];
    schedule: TrainSpec['runs'][number]['schedule'];
    initSeed: number;
  };
} {
  const r = train.runs[0];
  return {
    data: train.data,
    model: train.model,
    training: { ...train.training, seeds: 1 },
    run: { optimizer: r.optimizer, schedule: r.schedule, initSeed: r.initSeed },
  };
}
