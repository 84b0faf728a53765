/**
 * The experiment library: every finished job of every lab, kept in the browser's IndexedDB (through
 * Dexie) with its spec, backend, the app's version and when it ran, so that a reload, a crashed tab
 * or a closed laptop loses nothing. Long number series are stored as Float64Array (8 bytes a value,
 * exact, instead of a structured clone of a JavaScript array); the export file is gzip'd JSON whose
 * series are base64 of those bytes, validated on import with the same spec schemas the app uses.
 * Neither React nor the store is imported here: the store's controller (store/library.ts) calls it.
 */
import Dexie, { type Table } from 'dexie';
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { specParse, type ExperimentSpec } from '../engine/spec/schema';
import { jobOf } from '../labs';
import type { JobKey } from '../labs/types';

/** The database's and the export file's format; a newer one is refused, never half-read. */
export const LIBRARY_FORMAT = 1;
export const LIBRARY_FILE_KIND = 'optiplay-library';
/** the keys of the jobs kept as records (the surface's race is recomputed on opening) */
export const LIBRARY_KEYS = ['train', 'search', 'finder', 'study', 'compress'] as const;
export type LibraryKey = (typeof LIBRARY_KEYS)[number];

/** One finished job as stored: its record (spec, status, series, result) and what the library adds. */
export interface LibraryEntry {
  uid: string;
  key: LibraryKey;
  name: string;
  tags: string[];
  starred: boolean;
  /** when the job finished */
  createdAt: number;
  appVersion: string;
  backend: string | null;
  /** the job's record (store/jobSlice), its long series as Float64Array */
  record: Record<string, unknown> & { spec: ExperimentSpec };
}

/** What the list shows, without the records' series. */
export type LibraryMeta = Omit<LibraryEntry, 'record'> & { status: string; bytes: number };

/** arrays of at least this many numbers are stored as Float64Array */
const PACK_MIN = 8;

/** Turns long arrays of numbers into Float64Array, recursively (what IndexedDB stores). */
export function libraryPack(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length >= PACK_MIN && value.every((v) => typeof v === 'number')) return Float64Array.from(value);
    return value.map(libraryPack);
  }
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, libraryPack(v)]));
  return value;
}

/** The inverse of libraryPack: plain arrays again, as the store and the views use them. */
export function libraryUnpack(value: unknown): unknown {
  if (value instanceof Float64Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(libraryUnpack);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, libraryUnpack(v)]));
  return value;
}

/** Bytes an entry takes, roughly: its series at 8 bytes a value, the rest as its JSON. */
export function libraryEntryBytes(entry: LibraryEntry): number {
  let bytes = 0;
  const walk = (v: unknown): void => {
    if (v instanceof Float64Array) bytes += v.byteLength;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    else bytes += typeof v === 'string' ? v.length + 2 : 8;
  };
  walk(entry);
  return bytes;
}

class LibraryDb extends Dexie {
  entries!: Table<LibraryEntry, string>;
  constructor(name: string, options?: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange }) {
    super(name, options);
    // version 1; a later format adds this.version(2).stores(…).upgrade(…) and keeps this line
    this.version(LIBRARY_FORMAT).stores({ entries: 'uid, key, createdAt, starred' });
  }
}

/** Why a write failed, in words: a full quota says so and what to do. */
export function libraryErrorDescribe(err: unknown): string {
  const e = err as { name?: string; inner?: { name?: string }; message?: string };
  if (e?.name === 'QuotaExceededError' || e?.inner?.name === 'QuotaExceededError')
    return 'the browser’s storage for this site is full: delete old entries (or export them first) to keep new results';
  return e?.message ?? String(err);
}

export interface ImportReport {
  added: number;
  skipped: { name: string; reason: string }[];
}

const fileSchema = z.object({
  kind: z.literal(LIBRARY_FILE_KIND, 'is not an Optimizer Playground library file'),
  format: z.number('must be a number'),
  app: z.string().optional(),
  entries: z.array(z.unknown(), 'must be a list'),
});

const entrySchema = z.object({
  uid: z.string().min(1).max(100),
  key: z.enum(LIBRARY_KEYS),
  name: z.string().max(500),
  tags: z.array(z.string().max(100)).max(50),
  starred: z.boolean(),
  createdAt: z.number(),
  appVersion: z.string().max(50),
  backend: z.string().max(50).nullable(),
  record: z.looseObject({ spec: z.unknown(), status: z.string() }),
});

/** JSON for the export file: Float64Array as base64 of its bytes, non-finite numbers by name. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Float64Array) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { $f64: btoa(bin) };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.$f64 === 'string' && Object.keys(v).length === 1) {
      const bin = atob(v.$f64);
      if (bin.length % 8 !== 0) throw new Error('a series is damaged (its length is not whole numbers)');
      const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
      return new Float64Array(bytes.buffer);
    }
    if (typeof v.$num === 'string' && Object.keys(v).length === 1) return Number(v.$num);
  }
  return value;
}

export interface Library {
  /** keeps a finished job's record; returns its entry's uid */
  save(
    key: LibraryKey,
    record: { spec: ExperimentSpec; title?: string; backend?: string | null } & object,
  ): Promise<string>;
  list(): Promise<LibraryMeta[]>;
  /** the entries with their records, unpacked, oldest first */
  all(): Promise<(LibraryEntry & { record: Record<string, unknown> })[]>;
  get(uid: string): Promise<LibraryEntry | undefined>;
  update(uid: string, patch: Partial<Pick<LibraryEntry, 'name' | 'tags' | 'starred'>>): Promise<void>;
  /** removes an entry and returns it, for an Undo */
  remove(uid: string): Promise<LibraryEntry | undefined>;
  /** puts a removed entry back */
  restore(entry: LibraryEntry): Promise<void>;
  clear(): Promise<void>;
  /** the whole library, or these entries, as one gzip'd JSON file */
  exportFile(uids?: string[]): Promise<Uint8Array>;
  /** adds a file's entries; what it skipped and why. A file of a newer format, or not a library file, throws and adds nothing. */
  importFile(bytes: Uint8Array): Promise<ImportReport>;
  close(): void;
}

const uidNew = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

export function libraryOpen(
  options: { name?: string; appVersion?: string; indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
): Library {
  const db = new LibraryDb(
    options.name ?? 'optiplay-library',
    options.indexedDB ? { indexedDB: options.indexedDB, IDBKeyRange: options.IDBKeyRange } : undefined,
  );
  const appVersion = options.appVersion ?? 'dev';
  const meta = (e: LibraryEntry): LibraryMeta => {
    const { record, ...rest } = e;
    return { ...rest, status: String(record.status), bytes: libraryEntryBytes(e) };
  };
  return {
    async save(key, record) {
      const uid = uidNew();
      const r = record as Record<string, unknown> & { spec: ExperimentSpec };
      await db.entries.put({
        uid,
        key,
        name: String(r.title ?? jobOf(key as JobKey).lab.label),
        tags: [],
        starred: false,
        createdAt: Number(r.finishedAt ?? Date.now()),
        appVersion,
        backend: (r.backend as string | null | undefined) ?? null,
        record: libraryPack(r) as LibraryEntry['record'],
      });
      return uid;
    },
    async list() {
      return (await db.entries.orderBy('createdAt').toArray()).map(meta);
    },
    async all() {
      return (await db.entries.orderBy('createdAt').toArray()).map((e) => ({
        ...e,
        record: libraryUnpack(e.record) as LibraryEntry['record'],
      }));
    },
    get: (uid) => db.entries.get(uid),
    async update(uid, patch) {
      await db.entries.update(uid, patch);
    },
    async remove(uid) {
      return db.transaction('rw', db.entries, async () => {
        const e = await db.entries.get(uid);
        if (e) await db.entries.delete(uid);
        return e;
      });
    },
    async restore(entry) {
      await db.entries.put(entry);
    },
    async clear() {
      await db.entries.clear();
    },
    async exportFile(uids) {
      const entries = uids
        ? (await db.entries.bulkGet(uids)).filter((e) => e !== undefined)
        : await db.entries.toArray();
      const doc = { kind: LIBRARY_FILE_KIND, format: LIBRARY_FORMAT, app: appVersion, entries };
      return gzipSync(strToU8(JSON.stringify(doc, replacer)));
    },
    async importFile(bytes) {
      let text: string;
      try {
        text = strFromU8(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
      } catch {
        throw new Error('the file is not a library export (it is not gzip or is damaged)');
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text, reviver);
      } catch (err) {
        throw new Error(`the file is not a library export (${(err as Error).message})`, { cause: err });
      }
      const file = fileSchema.safeParse(doc);
      if (!file.success)
        throw new Error(
          `the file is not a library export: ${file.error.issues.map((i) => `${i.path.join('.') || 'file'} ${i.message}`).join('; ')}`,
        );
      if (file.data.format > LIBRARY_FORMAT)
        throw new Error(
          `the file was written by a newer Optimizer Playground (library format ${file.data.format}, app ${file.data.app ?? '?'}); this one reads format ${LIBRARY_FORMAT}: update the app to import it. Nothing was imported.`,
        );
      const report: ImportReport = { added: 0, skipped: [] };
      const fresh: LibraryEntry[] = [];
      const existing = new Set(await db.entries.toCollection().primaryKeys());
      file.data.entries.forEach((raw, i) => {
        const e = entrySchema.safeParse(raw);
        const name = (raw as { name?: unknown })?.name;
        const label = typeof name === 'string' ? name : `entry ${i + 1}`;
        if (!e.success) {
          const issue = e.error.issues[0];
          report.skipped.push({ name: label, reason: `${issue.path.join('.')}: ${issue.message}` });
          return;
        }
        const spec = specParse(libraryUnpack(e.data.record.spec));
        if (!spec.ok) {
          report.skipped.push({
            name: label,
            reason: `its experiment is not valid: ${spec.errors[0].path} ${spec.errors[0].message}`,
          });
          return;
        }
        if (spec.spec.kind !== jobOf(e.data.key).lab.kind) {
          report.skipped.push({ name: label, reason: `a ${e.data.key} entry with a ${spec.spec.kind} experiment` });
          return;
        }
        if (existing.has(e.data.uid)) {
          report.skipped.push({ name: label, reason: 'already in the library' });
          return;
        }
        existing.add(e.data.uid);
        fresh.push({ ...e.data, record: { ...e.data.record, spec: spec.spec } } as LibraryEntry);
      });
      await db.entries.bulkPut(fresh); // one transaction: all of them or, on a failure, none
      report.added = fresh.length;
      return report;
    },
    close: () => db.close(),
  };
}
