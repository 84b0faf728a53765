/**
 * Learning-rate schedules. Each matches torch.optim.lr_scheduler where PyTorch has the same schedule
 * (fixtures: src/engine/__fixtures__/torch_schedules.json); inverseTime and inverseSqrt are LambdaLR
 * forms. Step t counts optimizer steps from 0; lrAt(t) is the rate used for step t.
 *
 *   constant            η
 *   step                η·γ^⌊t/s⌋                                        StepLR
 *   multiStep           η·γ^(number of milestones ≤ t)                    MultiStepLR
 *   exponential         η·γ^t                                            ExponentialLR
 *   inverseTime         η / (1 + d·t)
 *   inverseSqrt         η / √(t + 1)
 *   cosine              η_min + (η − η_min)·(1 + cos(π·t/T))/2            CosineAnnealingLR
 *   cosineWarmRestarts  the same within each period T_i = T₀·m^i          CosineAnnealingWarmRestarts
 *   oneCycle            cosine up from maxLr/div to maxLr over pctStart of the steps, then down to
 *                       maxLr/(div·finalDiv)                              OneCycleLR (lr only, no momentum cycling)
 *   reduceOnPlateau     η·factor each time the loss has not improved by a relative threshold
 *                       for more than `patience` steps, never below minLr  ReduceLROnPlateau (mode min, rel)
 *
 * warmupSteps W > 0 puts a linear warmup in front (LinearLR from η/W to η over W steps, chained with
 * SequentialLR): the main schedule then starts at its own step 0 at step W and sees the remaining steps.
 */
import type { ScheduleName } from './registry';

export interface ScheduleSpec {
  name: ScheduleName;
  warmupSteps?: number;
  [param: string]: number | number[] | string | undefined;
}

export interface LrSchedule {
  /** the rate for step t (0-based); call in increasing t */
  lrAt(t: number): number;
  /** reports the loss of step t, for schedules that react to it (reduceOnPlateau) */
  observe(metric: number): void;
  /** whether observe() changes anything: the runner must then read the loss every step */
  readonly needsMetric: boolean;
}

type Params = Record<string, number | number[]>;
const num = (p: Params, key: string): number => p[key] as number;

function closedForm(fn: (t: number) => number): LrSchedule {
  return { lrAt: fn, observe: () => {}, needsMetric: false };
}

function cosineAnneal(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

function scheduleMain(name: ScheduleName, p: Params, lr: number, total: number): LrSchedule {
  switch (name) {
    case 'constant':
      return closedForm(() => lr);
    case 'step':
      return closedForm((t) => lr * num(p, 'gamma') ** Math.floor(t / num(p, 'stepSize')));
    case 'multiStep': {
      const milestones = [...(p.milestones as number[])].sort((a, b) => a - b);
      return closedForm((t) => lr * num(p, 'gamma') ** milestones.filter((m) => m <= t).length);
    }
    case 'exponential':
      return closedForm((t) => lr * num(p, 'gamma') ** t);
    case 'inverseTime':
      return closedForm((t) => lr / (1 + num(p, 'decayRate') * t));
    case 'inverseSqrt':
      return closedForm((t) => lr / Math.sqrt(t + 1));
    case 'cosine': {
      const tMax = num(p, 'tMax') || total;
      const etaMin = num(p, 'etaMin');
      return closedForm((t) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2);
    }
    case 'cosineWarmRestarts': {
      const t0 = num(p, 't0');
      const tMult = num(p, 'tMult');
      const etaMin = num(p, 'etaMin');
      return closedForm((t) => {
        let tCur = t;
        let tI = t0;
        while (tCur >= tI) {
          tCur -= tI;
          tI *= tMult;
        }
        return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
      });
    }
    case 'oneCycle': {
      const maxLr = num(p, 'maxLr') || lr;
      const initial = maxLr / num(p, 'divFactor');
      const min = initial / num(p, 'finalDivFactor');
      const upEnd = num(p, 'pctStart') * total - 1;
      const downEnd = total - 1;
      return closedForm((t) =>
        t <= upEnd
          ? cosineAnneal(initial, maxLr, t / upEnd)
          : cosineAnneal(maxLr, min, (t - upEnd) / (downEnd - upEnd)),
      );
    }
    case 'reduceOnPlateau': {
      const factor = num(p, 'factor');
      const patience = num(p, 'patience');
      const threshold = num(p, 'threshold');
      const minLr = num(p, 'minLr');
      let current = lr;
      let best = Infinity;
      let bad = 0;
      return {
        needsMetric: true,
        lrAt: () => current,
        observe(metric) {
          if (metric < best * (1 - threshold)) {
            best = metric;
            bad = 0;
          } else {
            bad += 1;
          }
          if (bad > patience) {
            const reduced = Math.max(current * factor, minLr);
            if (current - reduced > 1e-8) current = reduced; // torch's eps
            bad = 0;
          }
        },
      };
    }
  }
}

/**
 * A schedule for `totalSteps` optimizer steps starting from the optimizer's learning rate `lr`.
 * `params` must be complete (see scheduleWithDefaults).
 */
export function scheduleCreate(spec: ScheduleSpec, lr: number, totalSteps: number): LrSchedule {
  const { name, warmupSteps = 0, ...rest } = spec;
  const params = rest as Params;
  const main = scheduleMain(name, params, lr, Math.max(1, totalSteps - warmupSteps));
  if (warmupSteps <= 0) return main;
  const start = 1 / warmupSteps;
  return {
    needsMetric: main.needsMetric,
    lrAt: (t) => (t < warmupSteps ? lr * (start + ((1 - start) * t) / warmupSteps) : main.lrAt(t - warmupSteps)),
    observe: (metric) => main.observe(metric),
  };
}
