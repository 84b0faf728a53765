/**
 * Schedules against torch.optim.lr_scheduler (fixtures made by scripts/make_torch_fixtures.py with
 * Debian's python3-torch): 200 steps each, including warmup chained with SequentialLR and
 * ReduceLROnPlateau fed the same metric sequence.
 */
import { describe, expect, it } from 'vitest';
import fixtures from '../__fixtures__/torch_schedules.json';
import { SCHEDULE_NAMES, scheduleWithDefaults, type ScheduleName } from './registry';
import { scheduleCreate } from './schedules';

interface Case {
  schedule: ScheduleName;
  params: Record<string, number | number[]>;
  lr: number;
  steps: number;
  expected: number[];
}

function sequence(c: Case): number[] {
  const s = scheduleCreate(scheduleWithDefaults({ name: c.schedule, ...c.params }), c.lr, c.steps);
  const out: number[] = [];
  for (let t = 0; t < c.steps; t++) {
    out.push(s.lrAt(t));
    s.observe(fixtures.plateauMetrics[t]);
  }
  return out;
}

describe('schedules match torch.optim.lr_scheduler', () => {
  it('cover every schedule, and warmup', () => {
    const names = new Set((fixtures.cases as Case[]).map((c) => c.schedule));
    for (const n of SCHEDULE_NAMES) expect(names).toContain(n);
    expect((fixtures.cases as Case[]).some((c) => Number(c.params.warmupSteps) > 0)).toBe(true);
  });

  for (const c of fixtures.cases as Case[]) {
    it(`${c.schedule} ${JSON.stringify(c.params)}`, () => {
      const ours = sequence(c);
      ours.forEach((v, t) => {
        const err = Math.abs(v - c.expected[t]);
        expect(err, `step ${t}: ${v} vs ${c.expected[t]}`).toBeLessThanOrEqual(1e-9 + 1e-7 * Math.abs(c.expected[t]));
      });
    });
  }

  it('reduceOnPlateau reports that it needs the loss; closed forms do not', () => {
    expect(scheduleCreate(scheduleWithDefaults({ name: 'reduceOnPlateau' }), 0.1, 10).needsMetric).toBe(true);
    expect(scheduleCreate(scheduleWithDefaults({ name: 'cosine' }), 0.1, 10).needsMetric).toBe(false);
  });

  it('cosine with tMax 0 anneals over the remaining steps after warmup', () => {
    const s = scheduleCreate(scheduleWithDefaults({ name: 'cosine', warmupSteps: 10 }), 1, 110);
    expect(s.lrAt(9)).toBeCloseTo(0.1 + 0.9 * 0.9, 12); // warmup: η(1/W + (1 − 1/W)·t/W)
    expect(s.lrAt(10)).toBe(1);
    expect(s.lrAt(60)).toBeCloseTo(0.5, 12); // halfway through the 100 remaining steps
  });
});
