/** The run history: every press of Train, its final metrics, overlay and baseline toggles, and exports. */
import { selectTrainRecords, useAppStore } from '../../store/store';
import { useOverlay } from './TrainCharts';
import { bytesFormat as mb } from '../../engine/spec/cost';
import { HISTORY_WEIGHTS_BYTES, trainRecordBytes, type TrainRecord } from '../../labs/train';
import { downloadText, recordMetricsCsv, recordMetricsJson, recordWeightsJson } from './exports';
import { overlaySeries } from './TrainCharts';
import { useThrottledStore } from '../charts/useThrottledStore';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(100 * v).toFixed(1)}%`);

function runStatus(run: TrainRecord['runs'][number], record: TrainRecord): string {
  if (run.status === 'diverged') return `diverged at step ${run.divergedAt} (loss became NaN/∞); stopped cleanly`;
  if (run.status === 'early-stopped') return `early stop after epoch ${run.stoppedAfter}`;
  return record.status === 'done' ? 'done' : record.status;
}

function fileName(record: TrainRecord, ext: string) {
  return `optiplay-run${record.id}-${record.spec.data.name}.${ext}`;
}

export function HistoryPanel() {
  const history = useThrottledStore(selectTrainRecords, 400);
  const overlay = useOverlay(history);
  const baseline = useAppStore((s) => s.baseline);
  const a = useAppStore.getState();
  if (history.length === 0) return null;
  // the colours the charts use (runs of several overlaid records get one colour each)
  const colors = new Map(overlaySeries(history, overlay, baseline).map((s) => [`${s.record.id}:${s.run}`, s.color]));
  const held = history
    .map(trainRecordBytes)
    .reduce((a, b) => ({ curves: a.curves + b.curves, weights: a.weights + b.weights }));
  const dropped = history.filter((r) => r.weightsDropped).length;
  return (
    <section className="history" aria-label="run history">
      <h3>
        History <span className="muted small">tick to overlay on the charts; ☆ pins a baseline</span>
      </h3>
      <p
        className="muted small"
        data-testid="history-memory"
        data-curves={held.curves}
        data-weights={held.weights}
        title={`trained weights are kept for the newest runs up to ${mb(HISTORY_WEIGHTS_BYTES)}; remove runs (×) to free the rest`}
      >
        The history holds {mb(held.curves + held.weights)}: curves {mb(held.curves)}, trained weights {mb(held.weights)}
        {dropped > 0 &&
          ` (the weights of ${dropped} older ${dropped === 1 ? 'run was' : 'runs were'} let go to stay under ${mb(HISTORY_WEIGHTS_BYTES)})`}
        .
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">show</th>
            <th scope="col">experiment</th>
            <th scope="col">run</th>
            <th scope="col">test loss</th>
            <th scope="col">test acc.</th>
            <th scope="col">steps</th>
            <th scope="col">status</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {[...history].reverse().map((record) =>
            record.runs.map((run, i) => {
              const last = run.epochs[run.epochs.length - 1];
              return (
                <tr
                  key={`${record.id}:${i}`}
                  data-testid={`history-${record.id}-${i}`}
                  className={record.id === baseline ? 'baseline' : ''}
                >
                  {i === 0 && (
                    <td rowSpan={record.runs.length}>
                      <input
                        type="checkbox"
                        aria-label={`overlay #${record.id}`}
                        data-testid={`overlay-${record.id}`}
                        checked={overlay.includes(record.id)}
                        onChange={() => a.overlayToggle(record.id)}
                      />
                      <button
                        type="button"
                        className="icon"
                        aria-pressed={record.id === baseline}
                        title="pin as baseline"
                        data-testid={`baseline-${record.id}`}
                        onClick={() => a.baselineSet(record.id === baseline ? null : record.id)}
                      >
                        {record.id === baseline ? '★' : '☆'}
                      </button>
                    </td>
                  )}
                  {i === 0 && (
                    <td rowSpan={record.runs.length} className="small">
                      <strong>#{record.id}</strong> {record.title}
                      <div className="muted">
                        {record.data
                          ? `${record.data.train} train / ${record.data.test} test · ${record.data.stepsPerEpoch} steps/epoch`
                          : 'loading data…'}{' '}
                        · {(record.wallMs / 1000).toFixed(1)} s
                        {record.backend && (
                          <>
                            {' '}
                            · on <span data-testid={`history-backend-${record.id}`}>{record.backend}</span>
                          </>
                        )}
                      </div>
                      {record.error && (
                        <div role="alert" className="field-error" data-testid={`history-error-${record.id}`}>
                          {record.error}
                        </div>
                      )}
                    </td>
                  )}
                  <td className="small">
                    <span className="swatch" style={{ background: colors.get(`${record.id}:${i}`) ?? run.color }} />{' '}
                    {run.label}
                  </td>
                  <td data-testid={`hist-${record.id}-${i}-loss`}>{last ? last.testLoss.toPrecision(4) : '–'}</td>
                  <td data-testid={`hist-${record.id}-${i}-acc`}>{pct(last?.testAccuracy)}</td>
                  <td>{run.stepLoss.length}</td>
                  <td
                    className={`small${run.status === 'diverged' ? ' diverged-text' : ''}`}
                    data-testid={`hist-${record.id}-${i}-status`}
                  >
                    {runStatus(run, record)}
                  </td>
                  {i === 0 && (
                    <td rowSpan={record.runs.length} className="exports">
                      <button
                        type="button"
                        className="link small"
                        onClick={() => downloadText(fileName(record, 'csv'), recordMetricsCsv(record), 'text/csv')}
                      >
                        CSV
                      </button>
                      <button
                        type="button"
                        className="link small"
                        onClick={() =>
                          downloadText(fileName(record, 'json'), recordMetricsJson(record), 'application/json')
                        }
                      >
                        JSON
                      </button>
                      <button
                        type="button"
                        className="link small"
                        disabled={!record.weights}
                        title={
                          record.weights
                            ? 'trained parameters as JSON'
                            : record.weightsDropped
                              ? `let go to keep the history under ${mb(HISTORY_WEIGHTS_BYTES)} of weights: train it again (settings) to get them`
                              : 'available when the run has finished'
                        }
                        onClick={() => {
                          const text = recordWeightsJson(record);
                          if (text) downloadText(fileName(record, 'weights.json'), text, 'application/json');
                        }}
                      >
                        weights
                      </button>
                      <button
                        type="button"
                        className="link small"
                        title="load this experiment's settings"
                        onClick={() => a.specReplace('train', record.spec)}
                      >
                        settings
                      </button>
                      <button
                        type="button"
                        className="icon"
                        aria-label={`remove #${record.id}`}
                        onClick={() => {
                          a.jobRemove('train', record.id);
                          if (a.baseline === record.id) a.baselineSet(null);
                        }}
                      >
                        ×
                      </button>
                    </td>
                  )}
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </section>
  );
}
