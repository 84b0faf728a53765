import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { linkUrl } from '../engine/spec/link';
import { main, type CliIo } from './main';

const spec = {
  version: 1,
  kind: 'surface',
  seed: 7,
  objective: { name: 'rosenbrock' },
  start: [-1.2, 1.0],
  steps: 40,
  runs: [{ optimizer: { name: 'adam', lr: 0.05 } }, { label: 'too hot', optimizer: { name: 'sgd', lr: 0.05 } }],
};

function fakeIo(files: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    readStdin: async () => stdin,
    readAsset: async (p) => new Uint8Array(gunzipSync(readFileSync(`public/${p}`))),
    readFile: async (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file, open '${p}'`);
      return files[p];
    },
    writeFile: async (p, t) => {
      files[p] = t;
    },
    // the fake's files are all writable; node.ts's real check runs in the installed-command test
    writable: async (p, inputs) => (inputs.includes(p) ? `it is the input file ${p}` : null),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
  return { io, out: () => out.join(''), err: () => err.join(''), files };
}

describe('optiplay run', () => {
  it('runs a spec file and prints the result JSON', async () => {
    const f = fakeIo({ 'x.json': JSON.stringify(spec) });
    expect(await main(['run', 'x.json'], f.io)).toBe(0);
    const result = JSON.parse(f.out());
    expect(result.backend).toBe('cpu');
    expect(result.runs[0].path).toHaveLength(41);
    expect(result.runs[0].loss[40]).toBeLessThan(result.runs[0].loss[0]);
    expect(result.runs[1].status).toBe('diverged');
    expect(f.err()).toMatch(/run too hot diverged: .*step \d+/);
  });

  it('runs a share link, and from stdin, with the same numbers', async () => {
    const a = fakeIo({ 'x.json': JSON.stringify(spec) });
    await main(['run', 'x.json'], a.io);
    const b = fakeIo();
    expect(await main(['run', linkUrl('http://localhost:5173/', spec)], b.io)).toBe(0);
    const c = fakeIo({}, JSON.stringify(spec));
    expect(await main(['run', '-'], c.io)).toBe(0);
    expect(b.out()).toBe(a.out());
    expect(c.out()).toBe(a.out());
  });

  it('writes CSV to a file with --out and --csv', async () => {
    const f = fakeIo({ 'x.json': JSON.stringify(spec) });
    expect(await main(['run', 'x.json', '--csv', '--out', 'r.csv'], f.io)).toBe(0);
    expect(f.out()).toBe('');
    const lines = f.files['r.csv'].trim().split('\n');
    expect(lines[0]).toBe('run,label,step,x,y,loss,lr,status');
    expect(lines[1]).toBe('0,"1: adam",0,-1.2,1,24.20000457763672,0.05,done');
    expect(lines.filter((l) => l.startsWith('0,'))).toHaveLength(41);
  });

  it('exits 2 with one error per line for an invalid spec', async () => {
    const bad = { ...spec, steps: -1, runs: [{ optimizer: { name: 'adam', lr: 99, betas: [0.9, 0.99] } }] };
    const f = fakeIo({ 'bad.json': JSON.stringify(bad) });
    expect(await main(['run', 'bad.json'], f.io)).toBe(2);
    expect(f.err().trim().split('\n')).toEqual([
      'steps: must be at least 1',
      'runs.0.optimizer.lr: must be at most 10',
      'runs.0.optimizer: unknown field "betas" (for "betas", use "beta1" and "beta2")',
    ]);
    expect(f.out()).toBe('');
  });

  it('exits 2 for unreadable files, broken JSON, broken links and bad usage', async () => {
    const f = fakeIo({ 'broken.json': '{"version": 1,' });
    expect(await main(['run', 'missing.json'], f.io)).toBe(2);
    expect(await main(['run', 'broken.json'], f.io)).toBe(2);
    expect(await main(['run', 'http://localhost:5173/#s=NoWayThisIsValid'], f.io)).toBe(2);
    expect(await main(['fly'], f.io)).toBe(2);
    expect(await main(['run'], f.io)).toBe(2);
    const lines = f.err();
    expect(lines).toMatch(/cannot read missing.json: ENOENT/);
    expect(lines).toMatch(/broken.json is not valid JSON/);
    expect(lines).toMatch(/link: the link is corrupted or truncated/);
    expect(lines).toMatch(/unknown command "fly"/);
    expect(lines).toMatch(/missing input/);
  });

  it('works as the installed command (bin/optiplay.mjs) in a child process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optiplay-'));
    const file = join(dir, 'spec.json');
    await writeFile(file, JSON.stringify(spec));
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['bin/optiplay.mjs', 'run', file, '--out', join(dir, 'out.json')]);
    expect(stdout).toBe('');
    const result = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8'));
    expect(result.runs[0].path).toHaveLength(41);
    await expect(run(process.execPath, ['bin/optiplay.mjs', 'run', join(dir, 'nope.json')])).rejects.toMatchObject({
      code: 2,
    });
  });

  it('trains a train spec: JSON on stdout, each epoch on stderr, final lines; groups of optimizers in run order', async () => {
    const train = {
      version: 1,
      kind: 'train',
      seed: 3,
      data: { name: 'circle', size: 300, noise: 0.2 },
      model: { kind: 'mlp', hidden: [8], activation: 'tanh' },
      training: { batchSize: 30, epochs: 4 },
      runs: [
        { optimizer: { name: 'adam', lr: 0.03 } },
        { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } },
        { optimizer: { name: 'adam', lr: 0.003 } },
      ],
    };
    const f = fakeIo({ 't.json': JSON.stringify(train) });
    expect(await main(['run', 't.json'], f.io)).toBe(0);
    const result = JSON.parse(f.out());
    expect(result.dataset).toEqual({ name: 'circle', train: 240, test: 60, features: 2, classes: 2 });
    expect(result.stepsPerEpoch).toBe(8);
    expect(result.runs).toHaveLength(3);
    result.runs.forEach((r: { epochs: unknown[] }) => expect(r.epochs).toHaveLength(4));
    const lines = f.err().trim().split('\n');
    expect(lines.filter((l) => /epoch \d\/4 {2}train loss/.test(l))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith('final '))).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^run 1 \(adam, lr 0\.03\): epoch 1\/4 {2}train loss [\d.]+ [\d.]+% {2}test loss [\d.]+ [\d.]+%$/,
    );
    const csv = fakeIo({ 't.json': JSON.stringify(train) });
    await main(['run', 't.json', '--csv'], csv.io);
    expect(csv.out().split('\n')[0]).toBe('run,label,epoch,step,trainLoss,testLoss,trainAccuracy,testAccuracy,status');
    expect(csv.out().trim().split('\n')).toHaveLength(1 + 12);
  });

  it('rejects train settings that cannot work together, each at its field', async () => {
    const bad = (patch: Record<string, unknown>) => ({
      version: 1,
      kind: 'train',
      data: { name: 'circle', size: 100 },
      runs: [{ optimizer: { name: 'sgd' } }],
      ...patch,
    });
    const run = async (doc: unknown) => {
      const f = fakeIo({ 'b.json': JSON.stringify(doc) });
      expect(await main(['run', 'b.json'], f.io)).toBe(2);
      return f.err().trim();
    };
    expect(await run(bad({ training: { batchSize: 500 } }))).toBe(
      'training.batchSize: 500 is larger than the training set (80 rows)',
    );
    expect(await run(bad({ model: { kind: 'mlp', hidden: [8, 0] } }))).toBe(
      'model.hidden: hidden layer 2 has width 0: every layer needs at least one unit',
    );
    expect(await run(bad({ model: { kind: 'linear' } }))).toMatch(
      /^model\.kind: linear regression needs a regression dataset/,
    );
    expect(await run(bad({ model: { kind: 'cnn' } }))).toMatch(
      /^model\.kind: a CNN needs image data \(MNIST\); this dataset has 2 features per row/,
    );
  });

  it('trains on the real MNIST digits through the installed command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'optiplay-'));
    const file = join(dir, 'mnist.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        kind: 'train',
        seed: 1,
        data: { name: 'mnist', limit: 1000 },
        model: { kind: 'softmax' },
        training: { batchSize: 50, epochs: 2 },
        runs: [{ optimizer: { name: 'adam', lr: 0.01 } }],
      }),
    );
    const run = promisify(execFile);
    const { stdout, stderr } = await run(process.execPath, ['bin/optiplay.mjs', 'run', file]);
    const result = JSON.parse(stdout);
    expect(result.dataset).toMatchObject({ name: 'mnist', train: 800, test: 200, features: 784, classes: 10 });
    expect(result.runs[0].epochs[1].testAccuracy).toBeGreaterThan(0.7);
    expect(stderr).toMatch(/epoch 2\/2/);
  });

  it('trains on a CSV file given with --data, and lists the lines it skipped', async () => {
    const rows = ['a,b,label'];
    for (let i = 0; i < 60; i++)
      rows.push(`${i % 2 ? 1 + (i % 7) / 10 : -1 - (i % 5) / 10},${(i % 3) / 10},${i % 2 ? 'yes' : 'no'}`);
    rows.push('x,0.1,no');
    const csvSpec = {
      version: 1,
      kind: 'train',
      data: { name: 'csv', label: 'label', features: ['a', 'b'], file: 'd.csv' },
      model: { kind: 'logistic' },
      training: { batchSize: 8, epochs: 10 },
      runs: [{ optimizer: { name: 'adam', lr: 0.1 } }],
    };
    const missing = fakeIo({ 's.json': JSON.stringify(csvSpec) });
    expect(await main(['run', 's.json'], missing.io)).toBe(2);
    expect(missing.err()).toContain('give it with --data FILE.csv');
    const f = fakeIo({ 's.json': JSON.stringify(csvSpec), 'd.csv': rows.join('\n') });
    expect(await main(['run', 's.json', '--data', 'd.csv'], f.io)).toBe(0);
    expect(f.err()).toContain('skipped line 62: "x" in column "a" is not a number');
    const result = JSON.parse(f.out());
    expect(result.dataset).toMatchObject({ name: 'd.csv', classes: 2, features: 2 });
    expect(result.runs[0].epochs.at(-1).testAccuracy).toBe(1); // the classes are separated by a
  });
});

describe('optiplay run: search specs', () => {
  const search = (extra: Record<string, unknown>) => ({
    version: 1,
    kind: 'search',
    seed: 2,
    base: {
      data: { name: 'circle', size: 160 },
      model: { hidden: [6] },
      training: { batchSize: 16, epochs: 2 },
      run: { optimizer: { name: 'sgd', lr: 0.1 } },
    },
    space: [
      { param: 'optimizer.lr', min: 0.001, max: 1, scale: 'log' },
      { param: 'optimizer.momentum', min: 0, max: 0.9 },
    ],
    ...extra,
  });

  it('runs a search: the trials table as JSON, each trial on stderr, the same trials from the share link', async () => {
    const doc = search({ strategy: { name: 'random', trials: 4, parallel: 4 } });
    const f = fakeIo({ 's.json': JSON.stringify(doc) });
    expect(await main(['run', 's.json'], f.io)).toBe(0);
    const result = JSON.parse(f.out());
    expect(result).toMatchObject({ backend: 'cpu', strategy: 'random', objective: 'testLoss', cancelled: false });
    expect(result.trials).toHaveLength(4);
    expect(Object.keys(result.trials[0]).sort()).toEqual(['epochs', 'id', 'params', 'status', 'value']);
    expect(
      f.err().match(/^trial \d: optimizer.lr=\S+ optimizer.momentum=\S+ → done testLoss \S+ \(2 epochs\)$/gm),
    ).toHaveLength(4);
    expect(f.err()).toMatch(new RegExp(`best: trial ${result.best}, testLoss`));
    const viaLink = fakeIo();
    expect(await main(['run', linkUrl('https://example.org/', doc)], viaLink.io)).toBe(0);
    expect(JSON.parse(viaLink.out()).trials).toEqual(result.trials);
    const csv = fakeIo({ 's.json': JSON.stringify(doc) });
    expect(await main(['run', 's.json', '--csv'], csv.io)).toBe(0);
    expect(csv.out().split('\n')[0]).toBe('trial,optimizer.lr,optimizer.momentum,status,epochs,testLoss,bracket,rung');
    expect(csv.out().trim().split('\n')).toHaveLength(5);
  });

  it('runs the range test and the batch-size study named by view.tool', async () => {
    const f = fakeIo({
      'f.json': JSON.stringify(search({ finder: { minLr: 1e-4, maxLr: 10, steps: 40 }, view: { tool: 'finder' } })),
    });
    expect(await main(['run', 'f.json'], f.io)).toBe(0);
    const r = JSON.parse(f.out());
    expect(r.points.length).toBeGreaterThan(5);
    expect(f.err()).toMatch(/lr range test \(sgd\): \d+ steps, stopped: \w+; steepest descent at lr \S+/);
    const st = fakeIo({
      's.json': JSON.stringify(search({ study: { sizes: [8, 32], epochs: 1 }, view: { tool: 'study' } })),
    });
    expect(await main(['run', 's.json'], st.io)).toBe(0);
    expect(JSON.parse(st.out()).runs.map((x: { batchSize: number }) => x.batchSize)).toEqual([8, 32]);
    expect(st.err()).toMatch(/^batch 8 \(lr 0.100\): done; test loss \S+ after 1 epochs/m);
  });
});

describe('optiplay run: heavy and unusable input', () => {
  const heavy = {
    version: 1,
    kind: 'train',
    data: { name: 'mnist' },
    model: { kind: 'mlp', hidden: [1024, 1024] },
    training: { batchSize: 128, epochs: 1000, seeds: 2 },
    runs: Array.from({ length: 4 }, () => ({ optimizer: { name: 'sgd' } })),
  };

  it('refuses an experiment over the work limit with exit 2; --allow-large gets past the check', async () => {
    const f = fakeIo({ 'h.json': JSON.stringify(heavy) });
    expect(await main(['run', 'h.json'], f.io)).toBe(2);
    expect(f.err()).toMatch(/^this experiment trains 8 models of 1.9 M parameters: .* multiply-adds, over the limit/);
    // with the flag the spec is accepted and the run starts; a missing --out folder then stops it before it trains
    const g = fakeIo({ 'h.json': JSON.stringify(heavy) });
    g.io.writable = async () => 'the folder /nope does not exist';
    expect(await main(['run', 'h.json', '--allow-large', '--out', '/nope/r.json'], g.io)).toBe(2);
    expect(g.err()).toBe('optiplay: cannot write the result to /nope/r.json: the folder /nope does not exist\n');
  });

  it('refuses to write the result over its input file', async () => {
    const f = fakeIo({ 'x.json': JSON.stringify(spec) });
    expect(await main(['run', 'x.json', '--out', 'x.json'], f.io)).toBe(2);
    expect(f.err()).toContain('it is the input file x.json');
    expect(f.files['x.json']).toBe(JSON.stringify(spec));
  });

  it('exits 2, naming the cause, for a CSV that cannot be used', async () => {
    const csvSpec = {
      version: 1,
      kind: 'train',
      data: { name: 'csv', label: 'y', features: ['a'] },
      model: { kind: 'mlp', hidden: [4] },
      training: { batchSize: 2, epochs: 1 },
      runs: [{ optimizer: { name: 'sgd' } }],
    };
    const cases: [string, RegExp][] = [
      ['', /the file is empty/],
      ['a,y\n', /a header but no rows/],
      ['a,y\n1,0\n', /only 1 row could be read/],
      ['a,z\n1,0\n2,1\n', /there is no column "y"/],
      ['a,y\n1,3\n2,3\n3,3\n', /every row has label 3: there is nothing to classify/],
      [
        'a,y\nx,0\ny,1\n',
        /only 0 rows could be read; a dataset needs at least 2 \(line 2 "x" in column "a" is not a number; line 3/,
      ],
      [
        `a,y\n${Array.from({ length: 300 }, (_, i) => `${i},id${i}`).join('\n')}\n`,
        /has 300 different values in 300 rows: .*probably an ID/,
      ],
    ];
    for (const [text, message] of cases) {
      const f = fakeIo({ 's.json': JSON.stringify(csvSpec), 'd.csv': text });
      expect(await main(['run', 's.json', '--data', 'd.csv'], f.io), text).toBe(2);
      expect(f.err(), text).toMatch(message);
    }
  });

  it('reads a link whose + and $ a chat app percent-encoded', async () => {
    const { linkEncode } = await import('../engine/spec/link');
    let link = '';
    for (let seed = 0; !/[+$]/.test(link); seed++) link = `http://x/#${linkEncode({ ...spec, seed })}`;
    const mangled = link.replace(/\+/g, '%2B').replace(/\$/g, '%24');
    const f = fakeIo();
    expect(await main(['run', mangled], f.io)).toBe(0);
  });
});
