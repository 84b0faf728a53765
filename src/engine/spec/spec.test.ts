import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { LINK_MAX_ENCODED, linkDecode, linkEncode, linkUrl } from './link';
import { specErrorsFormat, specParse } from './schema';

const example = {
  version: 1,
  kind: 'surface',
  seed: 7,
  objective: { name: 'rosenbrock' },
  start: [-1.2, 1.0],
  steps: 120,
  runs: [{ optimizer: { name: 'adam', lr: 0.05, beta1: 0.9 }, schedule: { name: 'cosine', tMax: 120 } }],
};

const errorsOf = (doc: unknown) => {
  const r = specParse(doc);
  if (r.ok) throw new Error('expected errors');
  return specErrorsFormat(r.errors);
};

describe('ExperimentSpec v1', () => {
  it('accepts the issue example and fills PyTorch defaults', () => {
    const r = specParse(example);
    expect(r.ok).toBe(true);
    if (!r.ok || r.spec.kind !== 'surface') return;
    expect(r.spec.runs[0].optimizer).toEqual({
      name: 'adam',
      lr: 0.05,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
    });
    expect(r.spec.runs[0].schedule).toEqual({ name: 'cosine', tMax: 120, etaMin: 0, warmupSteps: 0 });
    expect(r.spec.runs[0].noise).toBe(0);
  });

  it('L-BFGS: integer settings and the strong-Wolfe switch validate; a training spec with seeds > 1 is refused with the reason', () => {
    expect(errorsOf({ ...example, runs: [{ optimizer: { name: 'lbfgs', maxIter: 2.5 } }] })).toEqual([
      'runs.0.optimizer.maxIter: must be a whole number',
    ]);
    const ok = specParse({ ...example, runs: [{ optimizer: { name: 'lbfgs', strongWolfe: true, historySize: 10 } }] });
    expect(ok.ok && ok.spec.kind === 'surface' && ok.spec.runs[0].optimizer).toMatchObject({
      name: 'lbfgs',
      lr: 1,
      maxIter: 20,
      maxEval: 25,
      historySize: 10,
      strongWolfe: true,
    });
    const train = {
      version: 1,
      kind: 'train',
      data: { name: 'circle' },
      training: { seeds: 3 },
      runs: [{ optimizer: { name: 'adam' } }, { optimizer: { name: 'lbfgs' } }],
    };
    expect(errorsOf(train)).toEqual([
      'training.seeds: L-BFGS is not batched (each model has its own line search), so it trains one seed: set seeds to 1',
    ]);
  });

  it('fills the start point, steps, seed and objective parameters', () => {
    const r = specParse({
      version: 1,
      kind: 'surface',
      objective: { name: 'quadratic' },
      runs: [{ optimizer: { name: 'sgd' } }],
    });
    expect(r.ok && r.spec).toMatchObject({
      seed: 0,
      steps: 100,
      start: [-2.5, 1.5],
      objective: { name: 'quadratic', condition: 10, angle: 30 },
    });
    expect(r.ok && r.spec.kind === 'surface' && r.spec.runs[0].optimizer).toEqual({
      name: 'sgd',
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
    });
    expect(r.ok && r.spec.kind === 'surface' && r.spec.runs[0].schedule).toEqual({ name: 'constant', warmupSteps: 0 });
  });

  it('names the field and the reason for out-of-range values', () => {
    const doc = structuredClone(example);
    doc.runs[0].optimizer.lr = 50;
    expect(errorsOf(doc)).toEqual(['runs.0.optimizer.lr: must be at most 10']);
    expect(errorsOf({ ...example, steps: 0 })).toEqual(['steps: must be at least 1']);
    expect(errorsOf({ ...example, steps: 2.5 })).toEqual(['steps: must be a whole number']);
    expect(errorsOf({ ...example, start: [9, 9] })[0]).toMatch(/^start: \(9, 9\) is outside Rosenbrock's domain/);
  });

  it('rejects unknown optimizers, fields, kinds and options torch rejects', () => {
    expect(errorsOf({ ...example, runs: [{ optimizer: { name: 'adabelief' } }] })[0]).toMatch(
      /unknown optimizer "adabelief": expected one of sgd, adagrad/,
    );
    expect(errorsOf({ ...example, runs: [{ optimizer: { name: 'adam', momentum: 0.9 } }] })).toEqual([
      'runs.0.optimizer: unknown field "momentum"',
    ]);
    expect(errorsOf({ ...example, kind: 'quantum' })).toEqual([
      'kind: unknown kind "quantum": expected one of surface, train, search, compress',
    ]);
    expect(errorsOf({ ...example, runs: [{ optimizer: { name: 'sgd', lr: 0.1, nesterov: true } }] })[0]).toMatch(
      /^runs\.0\.optimizer\.nesterov: Nesterov momentum requires a momentum > 0/,
    );
    expect(errorsOf({ ...example, runs: [] })).toEqual(['runs: needs at least one run']);
    expect(errorsOf({ ...example, runs: new Array(9).fill(example.runs[0]) })).toEqual(['runs: at most 8 runs']);
    expect(errorsOf([1, 2])).toEqual(['an experiment must be a JSON object']);
  });

  it('tells a future version apart from a broken one', () => {
    expect(errorsOf({ ...example, version: 2 })[0]).toMatch(/newer Optimizer Playground \(spec version 2\)/);
    expect(errorsOf({ ...example, version: undefined })[0]).toMatch(/^version: is required/);
  });
});

describe('share links', () => {
  it('round-trips a spec through a URL', () => {
    const url = linkUrl('https://example.test/app/?x=1#old', example);
    expect(url.startsWith('https://example.test/app/?x=1#s=')).toBe(true);
    const back = linkDecode(url);
    const direct = specParse(example);
    expect(back).toEqual(direct);
    expect(linkDecode(`#${linkEncode(example)}`)).toEqual(direct);
    expect(linkDecode(linkEncode(example))).toEqual(direct);
  });

  it('is shorter than the JSON would be in a URL', () => {
    expect(linkEncode(example).length).toBeLessThan(encodeURIComponent(JSON.stringify(example)).length * 0.7);
  });

  it('explains malformed, truncated, oversized, future-version and out-of-range links', () => {
    const good = linkEncode(example).slice(2);
    const msg = (link: string) =>
      specErrorsFormat((linkDecode(link) as Extract<ReturnType<typeof linkDecode>, { ok: false }>).errors)[0];
    expect(msg('https://example.test/app/')).toMatch(/no experiment in this link/);
    expect(msg('#s=')).toMatch(/cut off/);
    expect(msg('#s=%%%<script>')).toMatch(/characters that a share link never has/);
    expect(msg(`#s=${good.slice(0, Math.floor(good.length / 2))}`)).toMatch(/corrupted or truncated/);
    expect(msg(`#s=${'A'.repeat(LINK_MAX_ENCODED + 1)}`)).toMatch(/too long/);
    expect(msg(`#s=${LZString.compressToEncodedURIComponent('{"version":1, "kind":')}`)).toMatch(/not valid JSON/);
    expect(msg(linkEncode({ ...example, version: 3 }))).toMatch(/version: .*newer/);
    expect(msg(linkEncode({ ...example, steps: 1e9 }))).toBe('steps: must be at most 10000');
  });
});

describe('ExperimentSpec v1, kind train', () => {
  it('fills defaults: a fair comparison (same initial weights, same batch order) unless asked otherwise', () => {
    const r = specParse({
      version: 1,
      kind: 'train',
      seed: 9,
      data: { name: 'moons' },
      runs: [{ optimizer: { name: 'adam' } }, { optimizer: { name: 'sgd', lr: 0.1 }, initSeed: 4 }],
    });
    expect(r.ok).toBe(true);
    if (!r.ok || r.spec.kind !== 'train') return;
    expect(r.spec.data).toEqual({ name: 'moons', size: 400, noise: 0.2, limit: 10000, testFraction: 0.2 });
    expect(r.spec.model).toEqual({ kind: 'mlp', hidden: [8, 8], activation: 'tanh', init: 'xavier' });
    expect(r.spec.training).toEqual({
      batchSize: 32,
      epochs: 20,
      l1: 0,
      l2: 0,
      clipNorm: null,
      clipValue: null,
      patience: null,
      seeds: 1,
      dropout: 0,
    });
    expect(r.spec.runs.map((x) => x.initSeed)).toEqual([9, 4]);
    expect(r.spec.runs[0].optimizer).toMatchObject({ name: 'adam', lr: 1e-3, beta1: 0.9 });
  });

  it('round-trips through a link', () => {
    const doc = {
      version: 1,
      kind: 'train',
      data: { name: 'iris' },
      model: { kind: 'softmax' },
      training: { batchSize: 120 },
      runs: [{ optimizer: { name: 'sgd', lr: 0.5 } }],
    };
    expect(linkDecode(linkEncode(doc))).toEqual(specParse(doc));
    expect(
      specErrorsFormat((specParse({ ...doc, training: { batchSize: 121 } }) as { ok: false; errors: never[] }).errors),
    ).toEqual(['training.batchSize: 121 is larger than the training set (120 rows)']);
  });
});
