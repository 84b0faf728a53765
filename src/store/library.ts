/**
 * Keeps the store's records and the experiment library (library/library.ts, IndexedDB) in step: every
 * job that ends is kept; on opening, the kept records come back into their labs' histories, ready to
 * view without retraining; a record removed from a history leaves the library, and the library panel's
 * rename, star, delete (with Undo), open, export and import act on both.
 */
import {
  libraryErrorDescribe,
  libraryOpen,
  type Library,
  type LibraryEntry,
  type LibraryKey,
} from '../library/library';
import { jobOf } from '../labs';
import type { JobRecord } from '../labs/types';
import { version } from '../../package.json';
import { jobIdNext } from './jobs';
import type { RecordKey } from './jobSlice';
import { useAppStore } from './store';

/** trained weights above this are not kept in the library (the page still holds them for download) */
const LIBRARY_WEIGHTS_BYTES = 16 * 2 ** 20;

let lib: Library | null = null;
let starting: Promise<void> | null = null;

const set = (patch: Parameters<ReturnType<typeof useAppStore.getState>['librarySet']>[0]) =>
  useAppStore.getState().librarySet(patch);

async function refresh(): Promise<void> {
  if (!lib) return;
  const entries = await lib.list();
  let usage: { used: number; quota: number } | null = null;
  try {
    const e = await navigator.storage?.estimate?.();
    if (e?.usage !== undefined && e.quota !== undefined) usage = { used: e.usage, quota: e.quota };
  } catch {
    // no estimate in this browser: the entries' own sizes still show
  }
  set({ entries, usage });
}

function fail(err: unknown): void {
  set({ error: libraryErrorDescribe(err) });
}

/** A stored record as a record of this session: a new id, the library's uid. */
function recordOf(e: LibraryEntry & { record: Record<string, unknown> }): JobRecord {
  return { ...(e.record as unknown as JobRecord), id: jobIdNext(), libraryUid: e.uid, paused: false };
}

/** Opens the library and puts its records back into the labs' histories. */
export function libraryStart(options: { name?: string } = {}): Promise<void> {
  starting ??= (async () => {
    if (typeof indexedDB === 'undefined') {
      set({
        available: false,
        error: 'this browser offers no storage (IndexedDB): results are kept until the tab closes',
      });
      return;
    }
    try {
      lib = libraryOpen({ name: options.name, appVersion: version });
      const all = await lib.all();
      const byKey = new Map<RecordKey, JobRecord[]>();
      for (const e of all) byKey.set(e.key, [...(byKey.get(e.key) ?? []), recordOf(e)]);
      for (const [key, records] of byKey) useAppStore.getState().jobRestore(key, records);
      await refresh();
    } catch (err) {
      lib = null;
      set({ available: false, error: `the library could not be opened: ${libraryErrorDescribe(err)}` });
    }
    // a record removed from a history (its ×) leaves the library too
    useAppStore.subscribe((s, prev) => {
      if (s.jobs === prev.jobs || !lib) return;
      for (const key of Object.keys(prev.jobs) as RecordKey[]) {
        if (s.jobs[key] === prev.jobs[key]) continue;
        const now = new Set(s.jobs[key].map((r) => r.libraryUid));
        for (const r of prev.jobs[key]) if (r.libraryUid && !now.has(r.libraryUid)) void forget(r.libraryUid);
      }
    });
  })();
  return starting;
}

async function forget(uid: string): Promise<void> {
  try {
    const removed = await lib?.remove(uid);
    if (removed) set({ undo: removed });
    await refresh();
  } catch (err) {
    fail(err);
  }
}

/** Keeps a record that has just ended (jobs.ts calls it). */
export async function libraryKeep(key: RecordKey, id: number): Promise<void> {
  await starting;
  const record = useAppStore.getState().jobs[key].find((r) => r.id === id);
  if (!lib || !record || record.libraryUid) return;
  const r = record as JobRecord & { weights?: { values: number[] }[][] | null };
  let kept: object = record;
  const weightValues = (r.weights ?? []).flat().reduce((a, w) => a + w.values.length, 0);
  if (weightValues * 8 > LIBRARY_WEIGHTS_BYTES) kept = { ...record, weights: null, weightsDropped: true };
  try {
    const uid = await lib.save(key as LibraryKey, kept as JobRecord);
    useAppStore.getState().jobUpdate(key, id, () => ({ libraryUid: uid }));
    set({ error: null });
    await refresh();
  } catch (err) {
    fail(err);
  }
}

const recordByUid = (uid: string) => {
  const jobs = useAppStore.getState().jobs;
  for (const key of Object.keys(jobs) as RecordKey[]) {
    const r = jobs[key].find((x) => x.libraryUid === uid);
    if (r) return { key, record: r };
  }
  return null;
};

export async function libraryRename(uid: string, name: string): Promise<void> {
  try {
    await lib?.update(uid, { name });
    const found = recordByUid(uid);
    if (found) useAppStore.getState().jobUpdate(found.key, found.record.id, () => ({ title: name }));
    await refresh();
  } catch (err) {
    fail(err);
  }
}

export async function libraryStar(uid: string, starred: boolean): Promise<void> {
  try {
    await lib?.update(uid, { starred });
    await refresh();
  } catch (err) {
    fail(err);
  }
}

/** Deletes an entry and its record; Undo (libraryUndo) puts both back. */
export async function libraryDelete(uid: string): Promise<void> {
  const found = recordByUid(uid);
  if (found)
    useAppStore.getState().jobRemove(found.key, found.record.id); // the subscription removes the entry
  else await forget(uid);
}

export async function libraryUndo(): Promise<void> {
  const entry = useAppStore.getState().library.undo;
  if (!lib || !entry) return;
  try {
    await lib.restore(entry);
    const [back] = (await lib.all()).filter((e) => e.uid === entry.uid);
    if (back) useAppStore.getState().jobRestore(back.key, [recordOf(back)]);
    set({ undo: null });
    await refresh();
  } catch (err) {
    fail(err);
  }
}

/** Shows an entry: its lab, its experiment's settings, and its record in the lab's views. */
export function libraryShow(uid: string): void {
  const found = recordByUid(uid);
  if (!found) return;
  const s = useAppStore.getState();
  const lab = jobOf(found.key).lab;
  s.labSet(lab.id);
  s.specReplace(lab.id, found.record.spec as never);
  s.jobShow(found.key, found.record.id);
  if (found.key === 'train' && s.hidden.includes(found.record.id)) s.overlayToggle(found.record.id);
  s.librarySet({ open: false });
}

export async function libraryExport(uids?: string[]): Promise<Uint8Array | null> {
  try {
    return (await lib?.exportFile(uids)) ?? null;
  } catch (err) {
    fail(err);
    return null;
  }
}

/** Imports a file; its records join the histories. A refused file changes nothing and says why. */
export async function libraryImport(bytes: Uint8Array): Promise<void> {
  if (!lib) return;
  try {
    const before = new Set((await lib.list()).map((m) => m.uid));
    const report = await lib.importFile(bytes);
    const added = (await lib.all()).filter((e) => !before.has(e.uid));
    const byKey = new Map<RecordKey, JobRecord[]>();
    for (const e of added) byKey.set(e.key, [...(byKey.get(e.key) ?? []), recordOf(e)]);
    for (const [key, records] of byKey) useAppStore.getState().jobRestore(key, records);
    set({ imported: report, error: null });
    await refresh();
  } catch (err) {
    set({ imported: null, error: `the file was not imported: ${(err as Error).message}` });
  }
}

export async function libraryClear(): Promise<void> {
  if (!lib) return;
  try {
    const s = useAppStore.getState();
    for (const key of Object.keys(s.jobs) as RecordKey[])
      for (const r of s.jobs[key]) if (r.libraryUid) s.jobRemove(key, r.id);
    await lib.clear();
    set({ undo: null });
    await refresh();
  } catch (err) {
    fail(err);
  }
}
