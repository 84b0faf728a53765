/** Run / Cancel / which record is shown / Share link: the toolbar of a lab whose jobs take minutes. */
import { jobOf } from '../../labs';
import type { RecordKey } from '../../store/jobSlice';
import { jobCancel, jobStart } from '../../store/jobs';
import { useAppStore } from '../../store/store';
import { ShareLink } from './ShareLink';

export function JobToolbar(props: {
  /** the kind of job it runs (and whose records it lists) */
  job: RecordKey;
  /** test ids: `${prefix}-run`, `-cancel`, `-shown`, `-share`, `-share-url`, `-error` */
  prefix: string;
  noun: string;
  runLabel: string;
  /** besides showing it: what else changes when the user picks a record (the search lab forgets the trial looked at) */
  onShow?(id: number): void;
}) {
  const records = useAppStore((s) => s.jobs[props.job]);
  const shown = useAppStore((s) => s.jobShown[props.job]);
  const lab = jobOf(props.job).lab.id;
  const error = useAppStore((s) => s.jobErrors[lab] ?? null);
  const running = records.some((r) => r.status === 'running' || r.status === 'queued');
  const props2 = {
    running,
    records,
    shown: shown ?? records[records.length - 1]?.id ?? null,
    error,
    onRun: () => jobStart(props.job),
    onCancel: () => jobCancel(props.job),
    onShow: (id: number) => {
      useAppStore.getState().jobShow(props.job, id);
      props.onShow?.(id);
    },
  };
  const p = props.prefix;
  return (
    <div className="train-toolbar">
      <button type="button" className="primary" data-testid={`${p}-run`} onClick={props2.onRun}>
        {props2.running ? 'Restart' : props.runLabel}
      </button>
      {props2.running && (
        <button type="button" data-testid={`${p}-cancel`} onClick={props2.onCancel}>
          Cancel
        </button>
      )}
      {props2.records.length > 1 && (
        <select
          aria-label={`${props.noun} shown`}
          value={props2.shown ?? ''}
          data-testid={`${p}-shown`}
          onChange={(e) => props2.onShow(Number(e.target.value))}
        >
          {props2.records.map((r) => (
            <option key={r.id} value={r.id}>
              #{r.id} {r.title}
            </option>
          ))}
        </select>
      )}
      <ShareLink prefix={p} />
      {props2.error && (
        <p role="alert" className="field-error" data-testid={`${p}-error`}>
          {props2.error}
        </p>
      )}
    </div>
  );
}
