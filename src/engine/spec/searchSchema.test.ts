import { describe, expect, it } from 'vitest';
import { linkDecode, linkEncode } from './link';
import { specErrorsFormat, specParse } from './schema';

const doc = (extra: Record<string, unknown> = {}) => ({
  version: 1,
  kind: 'search',
  base: { data: { name: 'circle' }, run: { optimizer: { name: 'sgd' } } },
  space: [{ param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' }],
  ...extra,
});
const errors = (d: unknown) => {
  const r = specParse(d);
  return r.ok ? [] : specErrorsFormat(r.errors);
};

describe('search spec', () => {
  it('fills defaults, and a parsed spec parses to itself (links and edits round-trip)', () => {
    const r = specParse(doc());
    expect(r.ok).toBe(true);
    if (!r.ok || r.spec.kind !== 'search') return;
    expect(r.spec.strategy).toEqual({
      name: 'random',
      trials: 20,
      initial: 5,
      gridPoints: 4,
      maxEpochs: 9,
      eta: 3,
      parallel: 8,
    });
    expect(r.spec.base.runs[0].optimizer).toMatchObject({ name: 'sgd', lr: 1e-3 });
    expect(specParse(JSON.parse(JSON.stringify(r.spec)))).toEqual(r);
    const full = specParse(
      doc({
        seed: 7,
        base: {
          data: { name: 'moons', size: 300 },
          model: { hidden: [16, 16] },
          training: { batchSize: 16, epochs: 5 },
          run: { optimizer: { name: 'adam', lr: 0.01 }, schedule: { name: 'cosine' } },
        },
        space: [
          { param: 'optimizer.lr', min: 1e-4, max: 1 },
          { param: 'training.batchSize', values: [8, 32, 128] },
          { param: 'schedule.etaMin', min: 0, max: 0.01 },
        ],
        strategy: { name: 'hyperband', maxEpochs: 27, eta: 3, parallel: 16 },
        objective: 'testAccuracy',
        view: { tool: 'finder' },
      }),
    );
    expect(full.ok).toBe(true);
    if (full.ok) expect(linkDecode(linkEncode(full.spec))).toEqual(full);
  });

  it('refuses what cannot be searched, with the path and the reason', () => {
    expect(errors(doc({ space: [{ param: 'optimizer.beta1', min: 0.5, max: 0.9 }] }))).toEqual([
      expect.stringMatching(
        /^space.0: "optimizer.beta1" cannot be searched here: choose one of optimizer.lr, optimizer.momentum/,
      ),
    ]);
    expect(errors(doc({ space: [{ param: 'optimizer.lr', min: 0, max: 1, scale: 'log' }] }))).toEqual([
      'space.0: learning rate must lie in [0.000001, 10]',
    ]);
    expect(errors(doc({ space: [{ param: 'optimizer.lr', min: 0.1, max: 0.01 }] }))).toEqual([
      'space.0: the lower end must be below the upper end',
    ]);
    expect(errors(doc({ space: [{ param: 'training.batchSize', values: [8, 2.5] }] }))).toEqual([
      "space.0: 2.5 is outside batch size's range [1, 100000] or not a whole number",
    ]);
    expect(errors(doc({ space: [{ param: 'optimizer.lr' }, { param: 'optimizer.lr' }] }))).toEqual([
      'space.1: optimizer.lr is searched twice',
    ]);
    expect(
      errors(
        doc({
          strategy: { name: 'grid', gridPoints: 20 },
          space: [{ param: 'optimizer.lr' }, { param: 'optimizer.momentum' }],
        }),
      ),
    ).toEqual(['strategy.gridPoints: the grid has 400 points; at most 200: use fewer points or parameters']);
    expect(
      errors(doc({ strategy: { name: 'hyperband' }, space: [{ param: 'training.epochs', min: 1, max: 9 }] })),
    ).toEqual(['space: Hyperband chooses the epochs itself (its budget): do not search training.epochs']);
    expect(errors(doc({ base: { data: { name: 'circle' }, run: { optimizer: { name: 'sgd', lr: 50 } } } }))).toEqual([
      'base.run.optimizer.lr: must be at most 10',
    ]);
    expect(
      errors(doc({ base: { data: { name: 'sine' }, run: { optimizer: { name: 'sgd' } } }, objective: 'testAccuracy' })),
    ).toEqual(['objective: sine is a regression task: it has no accuracy; use testLoss']);
    expect(errors(doc({ finder: { minLr: 0.5, maxLr: 0.1 } }))).toEqual([
      'finder.maxLr: must be above the lowest rate (minLr)',
    ]);
  });
});
