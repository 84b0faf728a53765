/** Run / Cancel / which record is shown / Share link: the toolbar of a lab whose jobs take minutes. */
import { useState } from 'react';
import type { SpecError } from '../../engine/spec/schema';
import { specErrorsFormat } from '../../engine/spec/schema';
import { urlWriteNow } from '../../store/urlSync';

export function JobToolbar(props: {
  /** test ids: `${prefix}-run`, `-cancel`, `-shown`, `-share`, `-share-url`, `-error` */
  prefix: string;
  noun: string;
  runLabel: string;
  running: boolean;
  records: { id: number; title: string }[];
  shown: number | null;
  error: string | null;
  onRun(): void;
  onCancel(): void;
  onShow(id: number): void;
}) {
  const [shared, setShared] = useState<string | null>(null);
  const p = props.prefix;
  return (
    <div className="train-toolbar">
      <button type="button" className="primary" data-testid={`${p}-run`} onClick={props.onRun}>
        {props.running ? 'Restart' : props.runLabel}
      </button>
      {props.running && (
        <button type="button" data-testid={`${p}-cancel`} onClick={props.onCancel}>
          Cancel
        </button>
      )}
      {props.records.length > 1 && (
        <select
          aria-label={`${props.noun} shown`}
          value={props.shown ?? ''}
          data-testid={`${p}-shown`}
          onChange={(e) => props.onShow(Number(e.target.value))}
        >
          {props.records.map((r) => (
            <option key={r.id} value={r.id}>
              #{r.id} {r.title}
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        data-testid={`${p}-share`}
        onClick={() => {
          const url = urlWriteNow();
          setShared(url);
          void navigator.clipboard?.writeText(url).catch(() => undefined);
        }}
      >
        Share link
      </button>
      {shared && (
        <input
          className="share-url"
          readOnly
          value={shared}
          data-testid={`${p}-share-url`}
          onFocus={(e) => e.target.select()}
          aria-label="share link"
        />
      )}
      {props.error && (
        <p role="alert" className="field-error" data-testid={`${p}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** Applies an edit through a lab's validating `edit`; returns the messages to show when it is refused. */
export function useSpecEdit<S>(
  edit: (fn: (spec: S) => unknown) => SpecError[] | null,
): [string[] | null, (fn: (spec: S) => unknown) => void] {
  const [errors, setErrors] = useState<string[] | null>(null);
  return [
    errors,
    (fn) => {
      const e = edit(fn);
      setErrors(e ? specErrorsFormat(e) : null);
    },
  ];
}
