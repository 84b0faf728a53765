/**
 * ExperimentSpec v1: a versioned, validated JSON document that says what to run. The UI edits it,
 * the share link encodes it, the CLI reads it, the engine runs it. The optimizer, schedule and
 * objective parts are generated from the registries, so ranges live in one place.
 */
import { z } from 'zod';
import { OBJECTIVES, OBJECTIVE_NAMES, type ObjectiveName } from '../objectives/registry';
import { OPTIMIZER_NAMES, optimizerWithDefaults } from '../optimizers/registry';
import { SCHEDULE_NAMES, scheduleWithDefaults } from '../schedules/registry';
import { numberInRange, optimizerSchema, scheduleSchema, unionError } from './fields';
import { compressSpecSchema, type CompressSpec } from './compressSchema';
import { specCostProblems } from './cost';
import { searchSpecSchema, type SearchSpec } from './searchSchema';
import { trainSpecSchema, type TrainSpec } from './trainSchema';

export const SPEC_VERSION = 1;
export const SPEC_KINDS = ['surface', 'train', 'search', 'compress'] as const;
export const SURFACE_LIMITS = {
  maxRuns: 8,
  maxSteps: 10000,
  maxNoise: 100,
  maxParticles: 20000,
  maxSpeed: 1000,
} as const;
export const VIEW_MODES = ['race', 'cloud', 'basin'] as const;
/** parts of the page a teacher can hide in a shared link */
export const VIEW_HIDEABLE = ['names', 'settings', 'rule', 'charts'] as const;

const objectiveSchema = z.discriminatedUnion(
  'name',
  OBJECTIVE_NAMES.map((name) => {
    const shape = Object.fromEntries(OBJECTIVES[name].params.map((p) => [p.key, numberInRange(p).optional()]));
    return z.strictObject({ name: z.literal(name), ...shape });
  }) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: unionError('objective', OBJECTIVE_NAMES) },
);

const finite = z.number('must be a number');

const runSchema = z.strictObject({
  optimizer: optimizerSchema,
  schedule: scheduleSchema.optional(),
  /** σ of seeded Gaussian noise added to each gradient component (stochastic gradients) */
  noise: z
    .number('must be a number')
    .min(0, 'must be at least 0')
    .max(SURFACE_LIMITS.maxNoise, `must be at most ${SURFACE_LIMITS.maxNoise}`)
    .optional(),
  label: z.string('must be text').max(60, 'at most 60 characters').optional(),
  color: z
    .string('must be text')
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f77b4')
    .optional(),
});

const cloudSchema = z.strictObject({
  count: numberInRange({ min: 1, max: SURFACE_LIMITS.maxParticles, integer: true }).optional(),
  epsilon: numberInRange({ min: 1e-4, max: 10 }).optional(),
});

const viewSchema = z.strictObject({
  mode: z.enum(VIEW_MODES, `must be one of ${VIEW_MODES.join(', ')}`).optional(),
  speed: numberInRange({ min: 1, max: SURFACE_LIMITS.maxSpeed }).optional(),
  lesson: z.string('must be text').max(40, 'at most 40 characters').optional(),
  presentation: z.boolean('must be true or false').optional(),
  hide: z
    .array(z.enum(VIEW_HIDEABLE, `must be one of ${VIEW_HIDEABLE.join(', ')}`))
    .max(VIEW_HIDEABLE.length)
    .optional(),
  lock: z.boolean('must be true or false').optional(),
});

export const surfaceSpecSchema = z
  .strictObject({
    version: z.literal(SPEC_VERSION, `must be ${SPEC_VERSION}`),
    kind: z.literal('surface'),
    seed: z
      .number('must be a number')
      .int('must be a whole number')
      .min(0, 'must be at least 0')
      .max(2 ** 32 - 1, 'must be below 2^32')
      .optional(),
    objective: objectiveSchema,
    start: z.tuple([finite, finite], 'must be a point [x, y]').optional(),
    steps: numberInRange({ min: 1, max: SURFACE_LIMITS.maxSteps, integer: true }).optional(),
    cloud: cloudSchema.optional(),
    view: viewSchema.optional(),
    runs: z
      .array(runSchema, 'must be a list of runs')
      .min(1, 'needs at least one run')
      .max(SURFACE_LIMITS.maxRuns, `at most ${SURFACE_LIMITS.maxRuns} runs`),
  })
  .superRefine((spec, ctx) => {
    if (!spec.start) return;
    const { domain, label } = OBJECTIVES[spec.objective.name as ObjectiveName];
    const [x, y] = spec.start;
    if (x < domain.x[0] || x > domain.x[1] || y < domain.y[0] || y > domain.y[1]) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: `(${x}, ${y}) is outside ${label}'s domain x ∈ [${domain.x.join(', ')}], y ∈ [${domain.y.join(', ')}]`,
      });
    }
  });

export type SurfaceSpecInput = z.input<typeof surfaceSpecSchema>;

/** A validated surface spec with every default filled in: what the engine runs. */
export interface SurfaceSpec {
  version: 1;
  kind: 'surface';
  seed: number;
  objective: { name: ObjectiveName } & Record<string, number>;
  start: [number, number];
  steps: number;
  runs: SurfaceRunSpec[];
  /** the particle cloud: starts per run and the ε that counts as reaching a minimum */
  cloud: { count: number; epsilon: number };
  /** how the page shows it: what the share link restores beyond the numbers */
  view: SurfaceView;
}

export interface SurfaceView {
  mode: (typeof VIEW_MODES)[number];
  /** animation speed, steps per second */
  speed: number;
  lesson?: string;
  presentation: boolean;
  hide: (typeof VIEW_HIDEABLE)[number][];
  /** settings can be seen but not changed */
  lock: boolean;
}

export interface SurfaceRunSpec {
  optimizer: { name: (typeof OPTIMIZER_NAMES)[number] } & Record<string, number | boolean>;
  schedule: { name: (typeof SCHEDULE_NAMES)[number]; warmupSteps: number } & Record<string, number | number[]>;
  noise: number;
  label?: string;
  color?: string;
}

export type ExperimentSpec = SurfaceSpec | TrainSpec | SearchSpec | CompressSpec;
export type { CompressSpec, SearchSpec, TrainSpec };

export interface SpecError {
  /** where in the document, e.g. "runs.0.optimizer.lr" ("" for the whole document) */
  path: string;
  message: string;
}

export type SpecResult = { ok: true; spec: ExperimentSpec } | { ok: false; errors: SpecError[] };

function withDefaults(parsed: z.output<typeof surfaceSpecSchema>): SurfaceSpec {
  const objective = parsed.objective as { name: ObjectiveName } & Record<string, number>;
  const objParams = Object.fromEntries(
    OBJECTIVES[objective.name].params.map((p) => [p.key, objective[p.key] ?? p.default]),
  );
  return {
    version: 1,
    kind: 'surface',
    seed: parsed.seed ?? 0,
    objective: { ...objParams, name: objective.name } as SurfaceSpec['objective'],
    start: parsed.start ?? OBJECTIVES[objective.name].start,
    steps: parsed.steps ?? 100,
    cloud: { count: parsed.cloud?.count ?? 1000, epsilon: parsed.cloud?.epsilon ?? 0.05 },
    view: {
      mode: parsed.view?.mode ?? 'race',
      speed: parsed.view?.speed ?? 30,
      ...(parsed.view?.lesson !== undefined ? { lesson: parsed.view.lesson } : {}),
      presentation: parsed.view?.presentation ?? false,
      hide: parsed.view?.hide ?? [],
      lock: parsed.view?.lock ?? false,
    },
    runs: parsed.runs.map((r) => {
      const opt = r.optimizer as { name: SurfaceRunSpec['optimizer']['name'] } & Record<string, number | boolean>;
      return {
        optimizer: { ...optimizerWithDefaults(opt.name, opt), name: opt.name } as SurfaceRunSpec['optimizer'],
        schedule: scheduleWithDefaults(
          (r.schedule ?? { name: 'constant' }) as { name: SurfaceRunSpec['schedule']['name'] },
        ) as SurfaceRunSpec['schedule'],
        noise: r.noise ?? 0,
        ...(r.label !== undefined ? { label: r.label } : {}),
        ...(r.color !== undefined ? { color: r.color } : {}),
      };
    }),
  };
}

/** PyTorch spellings people will type, and what this spec calls them. */
const PYTORCH_NAMES: Record<string, string> = {
  betas: 'use "beta1" and "beta2"',
  weight_decay: 'use "weightDecay"',
  lr_decay: 'use "lrDecay"',
  initial_accumulator_value: 'use "initialAccumulatorValue"',
  momentum_decay: 'use "momentumDecay"',
  step_size: 'use "stepSize"',
  T_max: 'use "tMax"',
  eta_min: 'use "etaMin"',
  T_0: 'use "t0"',
  T_mult: 'use "tMult"',
  max_lr: 'use "maxLr"',
  pct_start: 'use "pctStart"',
  div_factor: 'use "divFactor"',
  final_div_factor: 'use "finalDivFactor"',
  min_lr: 'use "minLr"',
};

function unknownKeysMessage(keys: string[]): string {
  const hints = keys.filter((k) => PYTORCH_NAMES[k]).map((k) => `for "${k}", ${PYTORCH_NAMES[k]}`);
  const base = `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`;
  return hints.length ? `${base} (${hints.join('; ')})` : base;
}

/** Each kind's schema, whose output is the complete spec with every default filled in. */
const SPEC_SCHEMAS = {
  surface: surfaceSpecSchema.transform(withDefaults),
  train: trainSpecSchema,
  search: searchSpecSchema,
  compress: compressSpecSchema,
} as const;

/**
 * Validates any JSON value as an ExperimentSpec; errors name the field path and the reason. A spec whose
 * estimated memory or work is over the limits (cost.ts) is refused with the estimate; `allowLarge`
 * lifts the work limit (the CLI's --allow-large).
 */
export function specParse(input: unknown, options: { allowLarge?: boolean } = {}): SpecResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', message: 'an experiment must be a JSON object' }] };
  }
  const doc = input as Record<string, unknown>;
  if (doc.version === undefined)
    return {
      ok: false,
      errors: [{ path: 'version', message: `is required (this app reads version ${SPEC_VERSION})` }],
    };
  if (typeof doc.version === 'number' && doc.version > SPEC_VERSION) {
    return {
      ok: false,
      errors: [
        {
          path: 'version',
          message: `this experiment was made by a newer Optimizer Playground (spec version ${doc.version}); this app reads version ${SPEC_VERSION}`,
        },
      ],
    };
  }
  if (!(SPEC_KINDS as readonly unknown[]).includes(doc.kind)) {
    return {
      ok: false,
      errors: [
        { path: 'kind', message: `unknown kind ${JSON.stringify(doc.kind)}: expected one of ${SPEC_KINDS.join(', ')}` },
      ],
    };
  }
  const toErrors = (issues: z.core.$ZodIssue[]): SpecResult => ({
    ok: false,
    errors: issues.map((iss) => ({
      path: iss.path.map(String).join('.'),
      message: iss.code === 'unrecognized_keys' ? unknownKeysMessage(iss.keys) : iss.message,
    })),
  });
  const parsed = SPEC_SCHEMAS[doc.kind as ExperimentSpec['kind']].safeParse(input);
  if (!parsed.success) return toErrors(parsed.error.issues);
  const spec = parsed.data as ExperimentSpec;
  const over = specCostProblems(spec, null, options);
  return over.length ? { ok: false, errors: over } : { ok: true, spec };
}

/** A built-in spec of `kind` (presets, defaults, tests); version and kind are added. Throws otherwise: a programming error. */
function builtIn<K extends ExperimentSpec['kind']>(
  kind: K,
  doc: Record<string, unknown>,
): Extract<ExperimentSpec, { kind: K }> {
  const r = specParse({ version: SPEC_VERSION, kind, ...doc });
  if (!r.ok || r.spec.kind !== kind) {
    throw new Error(`invalid built-in spec: ${r.ok ? `not a ${kind} spec` : specErrorsFormat(r.errors).join('; ')}`);
  }
  return r.spec as Extract<ExperimentSpec, { kind: K }>;
}

export const surfaceSpecParseValid = (doc: Record<string, unknown>): SurfaceSpec => builtIn('surface', doc);
export const trainSpecParseValid = (doc: Record<string, unknown>): TrainSpec => builtIn('train', doc);
export const searchSpecParseValid = (doc: Record<string, unknown>): SearchSpec => builtIn('search', doc);
export const compressSpecParseValid = (doc: Record<string, unknown>): CompressSpec => builtIn('compress', doc);

/** "runs.0.optimizer.lr: must be at most 10" — one line per error. */
export function specErrorsFormat(errors: SpecError[]): string[] {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
}
