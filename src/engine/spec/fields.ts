/** zod fields shared by every kind of ExperimentSpec, generated from the registries. */
import { z } from 'zod';
import { OPTIMIZERS, OPTIMIZER_NAMES, optimizerWithDefaults, type HyperMeta } from '../optimizers/registry';
import { SCHEDULES, SCHEDULE_NAMES, WARMUP_META, type ScheduleParamMeta } from '../schedules/registry';

// no compiled validators: zod's probe for them (new Function) is an eval the app's Content-Security-Policy
// refuses and reports (scripts/csp.mjs); the interpreted path validates the same
z.config({ jitless: true });

const fmt = (v: number) => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential() : String(v));

export function numberInRange(meta: { min: number; max: number; integer?: boolean }) {
  let s = z.number({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a number') });
  if (meta.integer) s = s.int('must be a whole number');
  return s.min(meta.min, `must be at least ${fmt(meta.min)}`).max(meta.max, `must be at most ${fmt(meta.max)}`);
}

function hyperField(h: HyperMeta) {
  return h.kind === 'boolean' ? z.boolean('must be true or false').optional() : numberInRange(h).optional();
}

function scheduleField(p: ScheduleParamMeta) {
  return p.list
    ? z.array(numberInRange(p), 'must be a list of numbers').max(100, 'at most 100 entries').optional()
    : numberInRange(p).optional();
}

export function unionError(what: string, names: readonly string[]) {
  return (iss: { input?: unknown }) => {
    const got = (iss.input as { name?: unknown } | undefined)?.name;
    return got === undefined
      ? `${what} needs a "name": one of ${names.join(', ')}`
      : `unknown ${what} "${String(got)}": expected one of ${names.join(', ')}`;
  };
}

export const optimizerSchema = z.discriminatedUnion(
  'name',
  OPTIMIZER_NAMES.map((name) => {
    const meta = OPTIMIZERS[name];
    const shape = Object.fromEntries(meta.hyper.map((h) => [h.key, hyperField(h)]));
    return z.strictObject({ name: z.literal(name), ...shape }).superRefine((value, ctx) => {
      const problem = meta.check?.(optimizerWithDefaults(name, value as unknown as Record<string, number | boolean>));
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
    });
  }) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: unionError('optimizer', OPTIMIZER_NAMES) },
);

export const scheduleSchema = z.discriminatedUnion(
  'name',
  SCHEDULE_NAMES.map((name) => {
    const shape = Object.fromEntries(SCHEDULES[name].params.map((p) => [p.key, scheduleField(p)]));
    return z.strictObject({ name: z.literal(name), warmupSteps: scheduleField(WARMUP_META), ...shape });
  }) as unknown as [z.ZodObject, ...z.ZodObject[]],
  { error: unionError('schedule', SCHEDULE_NAMES) },
);
