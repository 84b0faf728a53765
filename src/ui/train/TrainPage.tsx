/** The training lab: settings on the left; the toolbar, live charts, what the model learned, and the history. */
import { jobCancel, jobPause, jobStart, jobStepOnce } from '../../store/jobs';
import { selectTrainLatest, useAppStore } from '../../store/store';
import { ShareLink } from '../controls/ShareLink';
import { LearnedViews } from './LearnedViews';
import { HistoryPanel } from './HistoryPanel';
import { TrainCharts } from './TrainCharts';
import { TrainControls } from './TrainControls';

function Status() {
  const record = useAppStore(selectTrainLatest);
  if (!record)
    return (
      <span className="muted small" data-testid="train-status">
        idle
      </span>
    );
  const epochs = record.spec.training.epochs;
  const epoch = Math.max(0, ...record.runs.map((r) => r.epochs.length));
  const status = record.paused && record.status === 'running' ? 'paused' : record.status;
  const text =
    record.status === 'queued' ? 'loading data…' : `${status} · epoch ${epoch}/${epochs} · step ${record.step}`;
  return (
    <span className="small" data-testid="train-status" data-status={status}>
      #{record.id} {text} · {(record.wallMs / 1000).toFixed(1)} s
    </span>
  );
}

function Toolbar() {
  const record = useAppStore(selectTrainLatest);
  const seeds = useAppStore((s) => s.specs.train.training.seeds);
  const error = useAppStore((s) => s.jobErrors.train ?? null);
  const active = record && (record.status === 'running' || record.status === 'queued');
  const paused = record?.paused === true;
  const repeat = (n: number) => {
    const errors = useAppStore.getState().specEdit('train', (s) => ({ ...s, training: { ...s.training, seeds: n } }));
    if (!errors) jobStart('train');
  };
  return (
    <div className="train-toolbar">
      <button type="button" className="primary" data-testid="train-start" onClick={() => jobStart('train')}>
        {active ? 'Restart' : 'Train'}
      </button>
      {active && (
        <button type="button" data-testid="train-pause" onClick={() => jobPause('train', !paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      )}
      <button
        type="button"
        data-testid="train-step"
        onClick={() => jobStepOnce('train')}
        title="train one optimizer step"
      >
        Step
      </button>
      {active && (
        <button type="button" data-testid="train-stop" onClick={() => jobCancel('train')}>
          Stop
        </button>
      )}
      <button
        type="button"
        data-testid="train-seeds"
        onClick={() => repeat(5)}
        title="train each run 5 times (own initial weights and batch order) and shade mean ± 1 sd"
      >
        Repeat with 5 seeds
      </button>
      {seeds > 1 && (
        <button
          type="button"
          className="link small"
          onClick={() =>
            useAppStore.getState().specEdit('train', (s) => ({ ...s, training: { ...s.training, seeds: 1 } }))
          }
        >
          back to 1 seed
        </button>
      )}
      <Status />
      <ShareLink prefix="train" />
      {error && (
        <p role="alert" className="field-error" data-testid="train-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TrainPage() {
  const active = useAppStore((s) => {
    const r = selectTrainLatest(s);
    return !!r && !r.paused && (r.status === 'running' || r.status === 'queued');
  });
  return (
    <main className="train-page">
      <TrainControls locked={false} />
      <div className="train-main">
        <Toolbar />
        {active && <p className="muted small">Settings changed while training apply to the next press of Train.</p>}
        <TrainCharts />
        <LearnedViews />
        <HistoryPanel />
      </div>
    </main>
  );
}
