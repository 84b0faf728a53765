/** The training lab: settings on the left; the toolbar, live charts, what the model learned, and the history. */
import { useState } from 'react';
import { useAppStore } from '../../store/store';
import { trainPause, trainStart, trainStepOnce, trainStop } from '../../store/trainController';
import { urlWriteNow } from '../../store/urlSync';
import { DataViews } from './DataViews';
import { HistoryPanel } from './HistoryPanel';
import { TrainCharts } from './TrainCharts';
import { TrainControls } from './TrainControls';

function Status() {
  const record = useAppStore((s) => s.history[s.history.length - 1]);
  if (!record)
    return (
      <span className="muted small" data-testid="train-status">
        idle
      </span>
    );
  const epochs = record.spec.training.epochs;
  const epoch = Math.max(0, ...record.runs.map((r) => r.epochs.length));
  const text =
    record.status === 'loading' ? 'loading data…' : `${record.status} · epoch ${epoch}/${epochs} · step ${record.step}`;
  return (
    <span className="small" data-testid="train-status" data-status={record.status}>
      #{record.id} {text} · {(record.wallMs / 1000).toFixed(1)} s
    </span>
  );
}

function Toolbar() {
  const record = useAppStore((s) => s.history[s.history.length - 1]);
  const seeds = useAppStore((s) => s.trainSpec.training.seeds);
  const error = useAppStore((s) => s.trainError);
  const [shared, setShared] = useState<string | null>(null);
  const active = record && (record.status === 'running' || record.status === 'paused' || record.status === 'loading');
  const paused = record?.status === 'paused';
  const repeat = (n: number) => {
    const errors = useAppStore.getState().trainEdit((s) => ({ ...s, training: { ...s.training, seeds: n } }));
    if (!errors) trainStart();
  };
  return (
    <div className="train-toolbar">
      <button type="button" className="primary" data-testid="train-start" onClick={() => trainStart()}>
        {active ? 'Restart' : 'Train'}
      </button>
      {active && (
        <button type="button" data-testid="train-pause" onClick={() => trainPause(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      )}
      <button type="button" data-testid="train-step" onClick={() => trainStepOnce()} title="train one optimizer step">
        Step
      </button>
      {active && (
        <button type="button" data-testid="train-stop" onClick={() => trainStop()}>
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
          onClick={() => useAppStore.getState().trainEdit((s) => ({ ...s, training: { ...s.training, seeds: 1 } }))}
        >
          back to 1 seed
        </button>
      )}
      <Status />
      <button
        type="button"
        data-testid="train-share"
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
          data-testid="train-share-url"
          onFocus={(e) => e.target.select()}
          aria-label="share link"
        />
      )}
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
    const r = s.history[s.history.length - 1];
    return !!r && (r.status === 'running' || r.status === 'loading');
  });
  return (
    <main className="train-page">
      <TrainControls locked={false} />
      <div className="train-main">
        <Toolbar />
        {active && <p className="muted small">Settings changed while training apply to the next press of Train.</p>}
        <TrainCharts />
        <DataViews />
        <HistoryPanel />
      </div>
    </main>
  );
}
