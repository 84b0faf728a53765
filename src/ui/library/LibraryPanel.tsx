/**
 * The experiment library: every finished job of every lab, kept in this browser across reloads. List,
 * search by name or tag, rename, star, delete (with Undo), open (the record in its lab, no retraining),
 * export (all or the ticked entries, one .json.gz file) and import, and the space used.
 */
import { useState } from 'react';
import { bytesFormat as mb } from '../../engine/spec/cost';
import { LAB_LIST } from '../../labs';
import type { LibraryMeta } from '../../library/library';
import {
  libraryClear,
  libraryDelete,
  libraryExport,
  libraryImport,
  libraryRename,
  libraryShow,
  libraryStar,
  libraryUndo,
} from '../../store/library';
import { useAppStore } from '../../store/store';
import { jobOf } from '../../labs';

function download(bytes: Uint8Array, name: string) {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/gzip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const KIND_LABELS: Record<LibraryMeta['key'], string> = {
  train: 'training',
  search: 'search',
  finder: 'range test',
  study: 'batch-size study',
  compress: 'compression study',
};

export function LibraryButton() {
  const count = useAppStore((s) => s.library.entries.length);
  const open = useAppStore((s) => s.library.open);
  return (
    <button
      type="button"
      className="header-button"
      aria-pressed={open}
      data-testid="library-toggle"
      title="every finished experiment, kept in this browser"
      onClick={() => useAppStore.getState().librarySet({ open: !open })}
    >
      Library ({count})
    </button>
  );
}

function EntryName({ entry }: { entry: LibraryMeta }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(entry.name);
  if (!editing)
    return (
      <button
        type="button"
        className="link"
        title="rename"
        data-testid={`library-name-${entry.uid}`}
        onClick={() => {
          setText(entry.name);
          setEditing(true);
        }}
      >
        {entry.name}
      </button>
    );
  const done = () => {
    setEditing(false);
    const name = text.trim();
    if (name && name !== entry.name) void libraryRename(entry.uid, name);
  };
  return (
    <input
      autoFocus
      aria-label="name"
      value={text}
      maxLength={200}
      onChange={(e) => setText(e.target.value)}
      onBlur={done}
      onKeyDown={(e) => {
        if (e.key === 'Enter') done();
        if (e.key === 'Escape') setEditing(false);
      }}
    />
  );
}

export function LibraryPanel() {
  const lib = useAppStore((s) => s.library);
  const [query, setQuery] = useState('');
  const [ticked, setTicked] = useState<string[]>([]);
  if (!lib.open) return null;
  const q = query.trim().toLowerCase();
  const shown = [...lib.entries]
    .reverse()
    .filter((e) => !q || e.name.toLowerCase().includes(q) || e.tags.some((t) => t.toLowerCase().includes(q)))
    .sort((a, b) => Number(b.starred) - Number(a.starred));
  const total = lib.entries.reduce((a, e) => a + e.bytes, 0);
  const labLabel = (e: LibraryMeta) => LAB_LIST.find((l) => l.id === jobOf(e.key).lab.id)?.label ?? e.key;
  return (
    <section className="library-panel" aria-label="experiment library" data-testid="library-panel">
      <header>
        <h2>Experiment library</h2>
        <span className="muted small" data-testid="library-usage">
          {lib.available
            ? `${lib.entries.length} ${lib.entries.length === 1 ? 'entry' : 'entries'}, about ${mb(total)}` +
              (lib.usage
                ? `; this site uses ${mb(lib.usage.used)} of the ${mb(lib.usage.quota)} the browser allows`
                : '')
            : 'not available'}
        </span>
        <button
          type="button"
          className="icon"
          aria-label="close the library"
          onClick={() => useAppStore.getState().librarySet({ open: false })}
        >
          ×
        </button>
      </header>
      {lib.error && (
        <p role="alert" className="field-error" data-testid="library-error">
          {lib.error}
        </p>
      )}
      {lib.undo && (
        <p role="status" className="banner warn" data-testid="library-undo">
          Deleted “{lib.undo.name}”.{' '}
          <button type="button" onClick={() => void libraryUndo()}>
            Undo
          </button>
        </p>
      )}
      {lib.imported && (
        <div role="status" className="small" data-testid="library-imported">
          Imported {lib.imported.added} {lib.imported.added === 1 ? 'entry' : 'entries'}
          {lib.imported.skipped.length > 0 && `; skipped ${lib.imported.skipped.length}:`}
          {lib.imported.skipped.length > 0 && (
            <ul>
              {lib.imported.skipped.slice(0, 10).map((s, i) => (
                <li key={i}>
                  {s.name}: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="library-tools">
        <input
          type="search"
          placeholder="search names and tags"
          aria-label="search the library"
          data-testid="library-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button
          type="button"
          data-testid="library-export"
          disabled={lib.entries.length === 0}
          onClick={async () => {
            const bytes = await libraryExport(ticked.length > 0 ? ticked : undefined);
            if (bytes) download(bytes, `optiplay-library-${new Date().toISOString().slice(0, 10)}.json.gz`);
          }}
        >
          {ticked.length > 0 ? `Export ${ticked.length} ticked` : 'Export all'}
        </button>
        <label className="file-button">
          Import…
          <input
            type="file"
            accept=".gz,.json,application/gzip,application/json"
            data-testid="library-import"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) await libraryImport(new Uint8Array(await file.arrayBuffer()));
            }}
          />
        </label>
        <button
          type="button"
          data-testid="library-clear"
          disabled={lib.entries.length === 0}
          onClick={() => {
            if (window.confirm('Delete every entry of the library? Export it first to keep a copy.'))
              void libraryClear();
          }}
        >
          Delete all
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">
          {lib.entries.length === 0 ? 'Nothing kept yet: every job that finishes lands here.' : 'No entry matches.'}
        </p>
      ) : (
        <table data-testid="library-table">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">☆</th>
              <th scope="col">name</th>
              <th scope="col">lab</th>
              <th scope="col">finished</th>
              <th scope="col">status</th>
              <th scope="col">backend</th>
              <th scope="col">size</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.uid} data-testid="library-entry" data-uid={e.uid}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`tick ${e.name} for export`}
                    checked={ticked.includes(e.uid)}
                    onChange={() =>
                      setTicked((t) => (t.includes(e.uid) ? t.filter((x) => x !== e.uid) : [...t, e.uid]))
                    }
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="icon"
                    aria-pressed={e.starred}
                    aria-label={e.starred ? 'unstar' : 'star'}
                    onClick={() => void libraryStar(e.uid, !e.starred)}
                  >
                    {e.starred ? '★' : '☆'}
                  </button>
                </td>
                <td>
                  <EntryName entry={e} />
                </td>
                <td>
                  {labLabel(e)} <span className="muted small">({KIND_LABELS[e.key]})</span>
                </td>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>{e.status}</td>
                <td>{e.backend ?? '—'}</td>
                <td>{mb(e.bytes)}</td>
                <td>
                  <button type="button" className="link" data-testid="library-open" onClick={() => libraryShow(e.uid)}>
                    Open
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={`delete ${e.name}`}
                    data-testid="library-delete"
                    onClick={() => void libraryDelete(e.uid)}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
