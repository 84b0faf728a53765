import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { gzipSync, strToU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SPEC } from '../labs/train';
import { LIBRARY_FILE_KIND, LIBRARY_FORMAT, libraryOpen, libraryPack, libraryUnpack, type Library } from './library';

const open: Library[] = [];
afterEach(() => open.splice(0).forEach((l) => l.close()));
/** a library in a fresh in-memory IndexedDB */
const fresh = () => {
  const lib = libraryOpen({ indexedDB: new IDBFactory(), IDBKeyRange, appVersion: '0.1.0' });
  open.push(lib);
  return lib;
};

/** A finished training record as the store holds it: long series, a NaN, nested arrays. */
const record = (title: string) => ({
  id: 7,
  key: 'train',
  spec: DEFAULT_TRAIN_SPEC,
  title,
  status: 'done',
  backend: 'webgl',
  finishedAt: 1_700_000_000_000,
  runs: [
    {
      label: 'adam',
      stepLoss: Array.from({ length: 300 }, (_, i) => 1 / (i + 1)),
      updateRatio: Array.from({ length: 300 }, () => [0.01, 0.02]),
      epochs: [{ epoch: 1, testLoss: 0.5, testAccuracy: null, trainLoss: NaN }],
    },
  ],
});

describe('the experiment library', () => {
  it('stores long series as Float64Array and gives back the same record', async () => {
    const packed = libraryPack(record('a')) as { runs: { stepLoss: unknown; updateRatio: unknown[] }[] };
    expect(packed.runs[0].stepLoss).toBeInstanceOf(Float64Array);
    expect(Array.isArray(packed.runs[0].updateRatio[0])).toBe(true); // two numbers: left as they are
    const lib = fresh();
    const uid = await lib.save('train', record('first'));
    const [e] = await lib.all();
    expect(e.uid).toBe(uid);
    expect(e).toMatchObject({ key: 'train', name: 'first', starred: false, appVersion: '0.1.0', backend: 'webgl' });
    expect(e.record).toEqual(record('first'));
    expect((await lib.list())[0].bytes).toBeGreaterThan(300 * 8);
  });

  it('renames, stars, deletes with undo', async () => {
    const lib = fresh();
    const a = await lib.save('train', record('a'));
    await lib.save('train', record('b'));
    await lib.update(a, { name: 'renamed', starred: true, tags: ['lesson'] });
    const names = async () => (await lib.list()).map((m) => [m.name, m.starred, m.tags]).sort();
    expect(await names()).toEqual([
      ['b', false, []],
      ['renamed', true, ['lesson']],
    ]);
    const removed = await lib.remove(a);
    expect((await lib.list()).map((m) => m.name)).toEqual(['b']);
    await lib.restore(removed!);
    expect((await lib.list()).map((m) => m.name).sort()).toEqual(['b', 'renamed']);
  });

  it('exports, clears and imports back identical entries; a second import skips them', async () => {
    const lib = fresh();
    await lib.save('train', record('a'));
    await lib.save('train', record('b'));
    const before = await lib.all();
    const file = await lib.exportFile();
    await lib.clear();
    expect(await lib.list()).toEqual([]);
    expect(await lib.importFile(file)).toEqual({ added: 2, skipped: [] });
    expect(await lib.all()).toEqual(before);
    const again = await lib.importFile(file);
    expect(again.added).toBe(0);
    expect(again.skipped.map((s) => s.reason)).toEqual(['already in the library', 'already in the library']);
  });

  it('refuses a file from a newer version, or not a library, and changes nothing', async () => {
    const lib = fresh();
    await lib.save('train', record('kept'));
    const future = gzipSync(
      strToU8(JSON.stringify({ kind: LIBRARY_FILE_KIND, format: LIBRARY_FORMAT + 1, entries: [] })),
    );
    await expect(lib.importFile(future)).rejects.toThrow(/newer Optimizer Playground .*Nothing was imported/);
    await expect(lib.importFile(strToU8('{"hello": 1}'))).rejects.toThrow(/not a library export: kind/);
    await expect(lib.importFile(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).rejects.toThrow(/not gzip or is damaged/);
    expect((await lib.list()).map((m) => m.name)).toEqual(['kept']);
  });

  it('skips entries whose experiment is invalid or damaged, naming why, and imports the rest', async () => {
    const lib = fresh();
    await lib.save('train', record('good'));
    await lib.save('train', record('bad lr'));
    const file = await lib.exportFile();
    await lib.clear();
    const { gunzipSync, strFromU8 } = await import('fflate');
    const doc = JSON.parse(strFromU8(gunzipSync(file)));
    doc.entries.find((e: { name: string }) => e.name === 'bad lr').record.spec.runs[0].optimizer.lr = -5;
    doc.entries.push({ name: 'no uid' });
    const report = await lib.importFile(gzipSync(strToU8(JSON.stringify(doc))));
    expect(report.added).toBe(1);
    expect(report.skipped).toEqual([
      {
        name: 'bad lr',
        reason: expect.stringMatching(/^its experiment is not valid: runs\.0\.optimizer\.lr must be at least/),
      },
      { name: 'no uid', reason: expect.stringMatching(/^uid: /) },
    ]);
  });

  it('unpacks what it packed, nested', () => {
    const v = { a: [1, 2, 3, 4, 5, 6, 7, 8, 9], b: [[1, 2], 'x'], c: { d: Array(10).fill(0.5) } };
    expect(libraryUnpack(libraryPack(v))).toEqual(v);
  });
});
