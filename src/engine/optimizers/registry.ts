/**
 * The optimizers: each file here states one (metadata, LaTeX and its rule as expressions, see
 * define.ts); this list is what the UI, the spec validator and the engine read. Defaults are PyTorch's.
 */
import { adadelta } from './adadelta';
import { adagrad } from './adagrad';
import { adam, adamw } from './adam';
import { adafactor } from './adafactor';
import { adamax } from './adamax';
import { asgd } from './asgd';
import { hyperSplit, ruleContext, type HyperValues, type OptimizerDefinition } from './define';
import { lbfgs } from './lbfgs';
import { lion } from './lion';
import { muon } from './muon';
import { nadam } from './nadam';
import { radam } from './radam';
import { rmsprop } from './rmsprop';
import { rprop } from './rprop';
import { scheduleFree } from './scheduleFree';
import { sgd } from './sgd';

export type { BooleanHyperMeta, HyperMeta, HyperValues, NumberHyperMeta, OptimizerMeta } from './define';

export const OPTIMIZER_NAMES = [
  'sgd',
  'adagrad',
  'rmsprop',
  'adadelta',
  'adam',
  'adamw',
  'adamax',
  'nadam',
  'radam',
  'lion',
  'rprop',
  'asgd',
  'adafactor',
  'muon',
  'schedulefree',
  'lbfgs',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each optimizer keeps its own JavaScript state type
export const OPTIMIZERS: Record<OptimizerName, OptimizerDefinition<any>> = {
  sgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamw,
  adamax,
  nadam,
  radam,
  lion,
  rprop,
  asgd,
  adafactor,
  muon,
  schedulefree: scheduleFree,
  lbfgs,
};

/** A run's hyperparameters with PyTorch's defaults filled in for anything omitted. */
export function optimizerWithDefaults(name: OptimizerName, given: Partial<HyperValues>): HyperValues {
  const out: HyperValues = {};
  for (const h of OPTIMIZERS[name].hyper) out[h.key] = given[h.key] ?? h.default;
  return out;
}

/** One run's optimizer as specs write it: its name and every hyperparameter, defaults filled in. */
export type OptimizerSetting = { name: OptimizerName } & HyperValues;

export function optimizerSetting(name: OptimizerName, given: Partial<HyperValues> = {}): OptimizerSetting {
  return { ...optimizerWithDefaults(name, given), name } as OptimizerSetting;
}

/**
 * Runs with the same key can step together as rows of one batched optimizer: the same optimizer
 * and the same on/off options (numeric hyperparameters may differ per row).
 */
export function optimizerGroupKey(setting: Record<string, number | boolean | string>): string {
  const def = OPTIMIZERS[setting.name as OptimizerName];
  const structural = new Set(def?.hyper.filter((h) => h.kind === 'number' && h.structural).map((h) => h.key));
  const flags = Object.entries(setting)
    .filter(([k, v]) => typeof v === 'boolean' || structural.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return `${setting.name}|${JSON.stringify(flags)}`;
}

/** Indices of runs grouped by optimizerGroupKey, in first-seen order (a closure-based optimizer's runs one by one). */
export function optimizerGroups(
  settings: Record<string, number | boolean | string>[],
  indices: number[] = settings.map((_, i) => i),
): number[][] {
  const groups = new Map<string, number[]>();
  for (const i of indices) {
    // a closure-based optimizer (L-BFGS) is never batched: each of its runs is a group of its own
    const key = OPTIMIZERS[settings[i].name as OptimizerName]?.closure ? `#${i}` : optimizerGroupKey(settings[i]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.values()];
}

/** The same setting with another learning rate. */
export function optimizerWithLr(setting: OptimizerSetting, lr: number): OptimizerSetting {
  const { name, ...hyper } = setting;
  return optimizerSetting(name, { ...hyper, lr });
}

/** How many state tensors the optimizer keeps per parameter with these settings (Adam 2, AMSGrad 3, plain SGD 0). */
export function optimizerStateSlots(setting: OptimizerSetting): number {
  const def = OPTIMIZERS[setting.name];
  const values = optimizerWithDefaults(setting.name, setting);
  // L-BFGS: m pairs (s, y), the direction and the previous gradient
  if (def.closure) return 2 * Number(values.historySize) + 2;
  const { h, options } = hyperSplit([values]);
  if (!def.rule) return def.tensor?.stateSlots ?? 0;
  const state = def.init?.({ rows: 1, h });
  return def.rule(ruleContext(1, h, options, 1, Number(values.lr)), state).slots.length;
}
