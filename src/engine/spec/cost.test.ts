import { describe, expect, it } from 'vitest';
import { COST_LIMITS, bytesFormat, specCost, specCostProblems, workFormat } from './cost';
import { specParse, type ExperimentSpec } from './schema';

const parsed = (doc: Record<string, unknown>, options = {}) => specParse({ version: 1, ...doc }, options);
const spec = (doc: Record<string, unknown>): ExperimentSpec => {
  const r = parsed(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};

describe('the cost model', () => {
  it('counts a small MLP by hand: circle, 2-8-2, SGD, 400 rows, 10 epochs, batch 40, 3 runs', () => {
    const s = spec({
      kind: 'train',
      data: { name: 'circle', size: 400 },
      model: { kind: 'mlp', hidden: [8], activation: 'tanh' },
      training: { batchSize: 40, epochs: 10 },
      runs: [{ optimizer: { name: 'sgd' } }, { optimizer: { name: 'sgd' } }, { optimizer: { name: 'sgd' } }],
    });
    const c = specCost(s)!;
    // test rows round(400·0.2) = 80, train 320; forward 2·8 + 8·2 = 32 multiply-adds per row
    // work: 3 models × 32 × (3·320·10 + 10·80) = 3 × 32 × 10,400 = 998,400
    expect(c.work).toBe(998_400);
    expect(c.steps).toBe(80); // 8 steps per epoch × 10
    // memory: 3 models × 42 parameters × 4 B × (3 + 0 slots); activations 3 × max(120, 80) × (2·8 + 2·2 + 2) × 4;
    // data (320 + 80) × (2 + 1 + 2) × 4; the curves: 3 models × 80 steps × (4 + 2 layers) numbers × 8 B, twice
    expect(c.bytes).toBe(3 * 42 * 4 * 3 + 3 * 120 * 22 * 4 + 400 * 5 * 4 + 3 * 80 * 6 * 16);
    expect(c.what).toBe('trains 3 models of 42 parameters');
  });

  it('counts Adam’s state and a CNN’s convolutions: MNIST 1,000 digits, conv 5×5×4, 1 epoch, batch 100', () => {
    const s = spec({
      kind: 'train',
      data: { name: 'mnist', limit: 1000 },
      model: { kind: 'cnn', hidden: [4] },
      training: { batchSize: 100, epochs: 1 },
      runs: [{ optimizer: { name: 'adam' } }],
    });
    const c = specCost(s)!;
    // conv 28→24: 25·1·4 per pixel × 576 pixels = 57,600; pooled 12·12·4 = 576 → 10: 5,760; 63,360 per row
    // train 800 rows × 3 + test 200 rows × 1 = 2,600 row-passes
    expect(c.work).toBe(63_360 * 2_600);
    // parameters 25·4 + 4 + 576·10 + 10 = 5,874; Adam keeps 2 slots: × 4 B × (3 + 4)
    expect(c.peak.params).toBe(5_874);
    const acts = Math.max(300, 200) * (2 * 4 * 576 + 2 * 10 + 784) * 4;
    // curves: 8 steps × (4 + 2 layers) numbers × 8 B, twice
    expect(c.bytes).toBe(5_874 * 4 * 7 + acts + 1000 * (784 + 1 + 10) * 4 + 8 * 6 * 16);
  });

  it('the hostile link of the issue is refused on memory, naming the estimate and the limit', () => {
    const r = parsed({
      kind: 'train',
      data: { name: 'mnist' },
      model: { kind: 'mlp', hidden: [1024, 1024, 1024, 1024, 1024, 1024] },
      training: { batchSize: 1, epochs: 1000, seeds: 10 },
      runs: Array.from({ length: 8 }, () => ({ optimizer: { name: 'adam' } })),
    });
    expect(r.ok).toBe(false);
    const msg = !r.ok ? r.errors[0].message : '';
    expect(msg).toMatch(/^this experiment trains 80 models of 6\.1 M parameters: \d+(\.\d)? GB of weights/);
    expect(msg).toContain(
      'over the 512 MB limit; lower the width, the batch size, the steps (epochs × rows ÷ batch), the runs or the seeds',
    );
  });

  it('a long experiment under the memory limit is refused on work; --allow-large lifts that limit only', () => {
    const doc = {
      kind: 'train',
      data: { name: 'mnist' },
      model: { kind: 'mlp', hidden: [1024, 1024] },
      training: { batchSize: 128, epochs: 1000, seeds: 2 },
      runs: Array.from({ length: 4 }, () => ({ optimizer: { name: 'sgd' } })),
    };
    const r = parsed(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/multiply-adds, over the limit of 10¹³ .*--allow-large/);
    expect(parsed(doc, { allowLarge: true }).ok).toBe(true);
  });

  it('a search counts its trials, its parallel trials’ memory and every tool', () => {
    const s = spec({
      kind: 'search',
      base: {
        data: { name: 'circle', size: 400 },
        model: { kind: 'mlp', hidden: [8] },
        training: { batchSize: 40, epochs: 10 },
        run: { optimizer: { name: 'sgd' } },
      },
      space: [{ param: 'optimizer.lr' }],
      strategy: { name: 'random', trials: 6, parallel: 2 },
    });
    const c = specCost(s)!;
    expect(c.work).toBe(6 * 32 * 10_400); // six single-model trainings of the MLP above
    expect(c.peak.models).toBe(2);
    expect(specCostProblems(s)).toEqual([]);
  });

  it('formats counts for the messages', () => {
    expect(bytesFormat(1.7 * 2 ** 30)).toBe('1.7 GB');
    expect(workFormat(1.2e16)).toBe('1.2 × 10¹⁶');
    expect(workFormat(COST_LIMITS.work)).toBe('10¹³');
  });
});

describe('random specs (seeded fuzz)', () => {
  it('are refused with paths, or accepted with an estimate under the limits', async () => {
    const { randomCreate } = await import('../random');
    const rng = randomCreate(2027);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
    const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const base = {
        data: {
          name: pick(['circle', 'xor', 'spiral', 'iris', 'mnist', 'linear']),
          size: int(20, 6000),
          limit: pick([100, 1000, 10000, 12000]),
        },
        model: {
          kind: pick(['mlp', 'mlp', 'mlp', 'softmax', 'cnn']),
          hidden: Array.from({ length: int(1, 7) }, () => pick([1, 8, 16, 64, 256, 1024, 1024, 2000])),
        },
        training: {
          batchSize: pick([1, 8, 16, 32, 128, 5000]),
          epochs: pick([1, 5, 10, 50, 200, 1000]),
          seeds: int(1, 10),
        },
      };
      const runs = Array.from({ length: int(1, 8) }, () => ({
        optimizer: { name: pick(['sgd', 'adam', 'adagrad', 'rmsprop']) },
      }));
      const doc =
        i % 3 === 0
          ? { kind: 'train', ...base, runs }
          : i % 3 === 1
            ? {
                kind: 'search',
                base: { ...base, run: runs[0] ?? { optimizer: { name: 'adam' } } },
                space: [{ param: pick(['optimizer.lr', 'model.width', 'training.epochs']) }],
                strategy: { name: pick(['grid', 'random', 'hyperband']), trials: int(1, 250), parallel: int(1, 70) },
              }
            : {
                kind: 'compress',
                method: pick(['pruning', 'quantization', 'distillation', 'transfer']),
                base: { ...base, run: runs[0] ?? { optimizer: { name: 'adam' } } },
              };
      const r = specParse({ version: 1, ...doc });
      if (r.ok) {
        accepted++;
        const c = specCost(r.spec);
        expect(c, JSON.stringify(doc)).not.toBeNull();
        expect(c!.bytes).toBeLessThanOrEqual(COST_LIMITS.bytes);
        expect(c!.work).toBeLessThanOrEqual(COST_LIMITS.work);
        expect(Number.isFinite(c!.work) && c!.work > 0).toBe(true);
      } else {
        refused++;
        for (const e of r.errors) expect(typeof e.path === 'string' && e.message.length > 0).toBe(true);
        expect(r.errors.length).toBeGreaterThan(0);
      }
    }
    console.log(`fuzz: ${accepted} accepted, ${refused} refused`);
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
