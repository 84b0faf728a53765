import { describe, expect, it } from 'vitest';
import { linkDecode, linkEncode } from './link';
import { specErrorsFormat, specParse } from './schema';

const base = {
  data: { name: 'mnist', limit: 1000 },
  model: { kind: 'mlp', hidden: [32], activation: 'relu', init: 'he' },
  training: { batchSize: 50, epochs: 3 },
  run: { optimizer: { name: 'adam', lr: 0.003 } },
};
const parse = (doc: Record<string, unknown>) => specParse({ version: 1, kind: 'compress', base, ...doc });
const errors = (doc: Record<string, unknown>) => {
  const r = parse(doc);
  return r.ok ? [] : specErrorsFormat(r.errors);
};

describe('compress spec', () => {
  it('fills every method’s defaults and parses to itself (links round-trip)', () => {
    const r = parse({});
    expect(r.ok).toBe(true);
    if (!r.ok || r.spec.kind !== 'compress') return;
    expect(r.spec.method).toBe('pruning');
    expect(r.spec.pruning).toEqual({
      schedule: 'oneShot',
      scope: 'global',
      sparsities: [0.5, 0.8, 0.9, 0.95],
      rounds: 3,
      rate: 0.5,
      rewindEpochs: 0,
    });
    expect(r.spec.quantization).toEqual({
      bits: [8, 4, 2],
      scheme: 'affine',
      perChannel: false,
      activations: false,
      qat: true,
    });
    expect(r.spec.transfer.source).toEqual([0, 1, 2, 3, 4]);
    expect(r.spec.base.runs[0].optimizer).toMatchObject({ name: 'adam', lr: 0.003, beta1: 0.9 });
    const again = specParse(JSON.parse(JSON.stringify(r.spec)));
    expect(again).toEqual(r);
    const link = linkDecode(`#${linkEncode(r.spec)}`);
    expect(link.ok && link.spec).toEqual(r.spec);
  });

  it('refuses impossible settings at their field, with the reason', () => {
    expect(errors({ pruning: { sparsities: [1] } })).toEqual(['pruning.sparsities.0: must be at most 0.999']);
    expect(errors({ quantization: { bits: [3] } })[0]).toMatch(/^quantization\.bits\.0: each must be one of 8, 4, 2/);
    expect(errors({ method: 'pruning', pruning: { schedule: 'gradual' }, fineTune: { epochs: 0 } })).toEqual([
      'fineTune.epochs: gradual pruning prunes while it fine-tunes: give it at least 1 epoch',
    ]);
    expect(errors({ method: 'pruning', pruning: { schedule: 'lottery', rewindEpochs: 3 } })).toEqual([
      'pruning.rewindEpochs: must be below the training epochs (3): it rewinds to a point inside training',
    ]);
    expect(errors({ method: 'transfer', transfer: { source: [0, 1], target: [1, 2] } })).toEqual([
      'transfer.target: the source and target classes must all differ',
    ]);
    expect(errors({ method: 'transfer', transfer: { source: [0, 1, 2], target: [5, 6] } })).toEqual([
      "transfer.target: needs as many classes as the source (3): the pretrained network's head keeps its size",
    ]);
    expect(errors({ method: 'transfer', base: { ...base, data: { name: 'moons' } } })).toEqual([
      'base.data.name: transfer splits the classes into a source and a target task: moons has 2; use mnist',
    ]);
    expect(errors({ base: { ...base, data: { name: 'sine' }, model: { kind: 'mlp' } } })).toEqual([
      'base.data.name: sine is a regression task: the compression lab measures accuracy; use a classification dataset',
    ]);
    // the base is validated as a train experiment, its errors under base.…
    expect(errors({ base: { ...base, run: { optimizer: { name: 'adam', lr: -1 } } } })).toEqual([
      'base.run.optimizer.lr: must be at least 1e-6',
    ]);
    expect(errors({ method: 'compression' })[0]).toMatch(
      /^method: must be one of pruning, quantization, distillation, transfer/,
    );
  });
});
