/**
 * The search lab's other two tools: the learning-rate range test (loss against lr on a log axis,
 * with the suggestion and a button that applies it in the training lab) and the batch-size study
 * (loss against steps, samples seen and wall-clock time; the gradient's spread against batch size).
 */
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { finderApply } from '../../store/labLinks';
import { jobCancel, jobStart } from '../../store/jobs';
import { selectFinderShown, selectStudyShown, useAppStore } from '../../store/store';
import { logTicks } from '../charts/ticks';
import { useThrottledStore } from '../charts/useThrottledStore';
import { ListControl, NumberControl, BooleanControl } from '../controls/HyperControl';
import { FieldErrors } from '../controls/FieldErrors';
import { useSearchEdit } from './SearchControls';
import { finiteRange, formatValue } from './searchViewData';

const SIZE_COLORS = [
  '#1e3a8a',
  '#2563eb',
  '#0891b2',
  '#16a34a',
  '#ca8a04',
  '#ea580c',
  '#dc2626',
  '#9333ea',
  '#db2777',
  '#4b5563',
  '#0f766e',
  '#a16207',
];

export function FinderView() {
  const spec = useAppStore((s) => s.specs.search);
  const finder = useThrottledStore(selectFinderShown, 200);
  const [errors, edit] = useSearchEdit();
  const f = spec.finder;
  const setF = (patch: Partial<typeof f>) => edit((s) => ({ ...s, finder: { ...s.finder, ...patch } }));
  const suggestion = finder?.result?.suggestion ?? null;
  const points = finder?.points ?? [];
  const range = finiteRange(points.map((p) => p.smoothed));
  return (
    <section className="tool" aria-label="learning-rate range test">
      <p className="small">
        One run of the experiment to tune while the learning rate grows exponentially from the lowest to the highest
        rate (Smith 2017). The loss first barely moves, then falls, then explodes; a good rate is where it falls
        fastest.
      </p>
      <div className="tool-controls">
        <NumberControl
          meta={{ key: 'minLr', label: 'from lr', description: 'the first rate', min: 1e-8, max: 1, scale: 'log' }}
          value={f.minLr}
          onChange={(v) => setF({ minLr: v })}
          testId="finder-min"
        />
        <NumberControl
          meta={{ key: 'maxLr', label: 'to lr', description: 'the last rate', min: 1e-4, max: 100, scale: 'log' }}
          value={f.maxLr}
          onChange={(v) => setF({ maxLr: v })}
          testId="finder-max"
        />
        <NumberControl
          meta={{
            key: 'steps',
            label: 'steps',
            description: 'optimizer steps from the first to the last rate',
            min: 10,
            max: 1000,
            scale: 'log',
            integer: true,
          }}
          value={f.steps}
          onChange={(v) => setF({ steps: v })}
          testId="finder-steps"
        />
      </div>
      <FieldErrors errors={errors} testId="finder-error" />
      <div className="tool-actions">
        <button type="button" className="primary" data-testid="finder-run" onClick={() => jobStart('finder')}>
          Run range test
        </button>
        {finder?.status === 'running' && (
          <button type="button" onClick={() => jobCancel('finder')}>
            Cancel
          </button>
        )}
        <span className="small" data-testid="finder-status" data-status={finder?.status ?? 'idle'}>
          {finder
            ? `${finder.status}${finder.result ? ` · stopped: ${finder.result.stop === 'exploded' ? 'the loss exploded (4× its minimum)' : finder.result.stop}` : ''} · ${points.length} steps`
            : 'idle'}
        </span>
      </div>
      {finder?.error && (
        <p role="alert" className="field-error">
          {finder.error}
        </p>
      )}
      {points.length > 0 && (
        <figure data-testid="finder-chart">
          <figcaption>
            <span>Batch loss against learning rate (log axis): dots raw, line smoothed</span>
          </figcaption>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={points} margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="lr"
                type="number"
                scale="log"
                domain={['dataMin', 'dataMax']}
                ticks={logTicks(points[0].lr, points[points.length - 1].lr)}
                tick={{ fontSize: 11 }}
                tickFormatter={formatValue}
                label={{ value: 'learning rate', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis
                type="number"
                domain={range ? [Math.max(0, range[0]), range[1] * 1.2] : ['auto', 'auto']}
                allowDataOverflow
                tick={{ fontSize: 11 }}
                width={52}
                tickFormatter={formatValue}
              />
              <Tooltip
                formatter={(v) => formatValue(Number(v))}
                labelFormatter={(v) => `lr ${formatValue(Number(v))}`}
              />
              <Line
                dataKey="loss"
                stroke="#94a3b8"
                strokeWidth={0}
                dot={{ r: 1.5, fill: '#94a3b8' }}
                isAnimationActive={false}
              />
              <Line dataKey="smoothed" stroke="#2563eb" strokeWidth={2} dot={false} isAnimationActive={false} />
              {suggestion?.steepestLr && (
                <ReferenceLine
                  x={suggestion.steepestLr}
                  stroke="#16a34a"
                  strokeWidth={2}
                  label={{ value: 'steepest', fontSize: 11, fill: '#166534', position: 'insideTopLeft' }}
                />
              )}
              {suggestion && (
                <ReferenceLine
                  x={suggestion.minimumLr}
                  stroke="#d97706"
                  strokeDasharray="4 3"
                  label={{ value: 'min/10', fontSize: 11, fill: '#92400e', position: 'insideTopRight' }}
                />
              )}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      )}
      {suggestion && (
        <div className="suggestion" data-testid="finder-suggestion">
          {suggestion.steepestLr !== null ? (
            <p>
              Suggested learning rate: <strong data-testid="finder-lr">{formatValue(suggestion.steepestLr)}</strong>{' '}
              (steepest fall of the smoothed loss); the minimum's rate ÷ 10 gives {formatValue(suggestion.minimumLr)}.
            </p>
          ) : (
            <p>
              The loss never fell on this range: try a wider range. The minimum's rate ÷ 10 gives{' '}
              {formatValue(suggestion.minimumLr)}.
            </p>
          )}
          <button
            type="button"
            className="primary"
            data-testid="finder-apply"
            onClick={() => finderApply(suggestion.steepestLr ?? suggestion.minimumLr)}
          >
            Train with lr {String(Number((suggestion.steepestLr ?? suggestion.minimumLr).toPrecision(2)))} in the
            training lab
          </button>
        </div>
      )}
    </section>
  );
}

export function StudyView() {
  const spec = useAppStore((s) => s.specs.search);
  const study = useThrottledStore(selectStudyShown, 200);
  const [errors, edit] = useSearchEdit();
  const st = spec.study;
  const setSt = (patch: Partial<typeof st>) => edit((s) => ({ ...s, study: { ...s.study, ...patch } }));
  const runs = study?.runs ?? [];
  const colorOf = (i: number) => SIZE_COLORS[i % SIZE_COLORS.length];
  const batchRange = finiteRange(runs.filter((r) => r.status !== 'diverged').flatMap((r) => r.steps.map(([, l]) => l)));
  const testRange = finiteRange(
    runs.filter((r) => r.status !== 'diverged').flatMap((r) => r.epochs.map((e) => e.testLoss)),
  );
  const xTicks = (series: (r: (typeof runs)[number]) => { x: number }[]) => {
    const xs = runs.flatMap((r) => series(r).map((p) => p.x));
    return logTicks(Math.min(...xs), Math.max(...xs));
  };
  /** one line per batch size; x and y from each run's points */
  const chart = (
    title: string,
    testId: string,
    series: (r: (typeof runs)[number]) => { x: number; y: number }[],
    xLabel: string,
    log: boolean,
    range: [number, number] | null,
  ) => (
    <figure data-testid={testId}>
      <figcaption>
        <span>{title}</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={190}>
        <LineChart margin={{ top: 5, right: 12, bottom: 16, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey="x"
            type="number"
            scale={log ? 'log' : 'linear'}
            domain={['dataMin', 'dataMax']}
            ticks={log ? xTicks(series) : undefined}
            tick={{ fontSize: 10 }}
            tickFormatter={formatValue}
            label={{ value: xLabel, position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis
            type="number"
            domain={range ?? ['auto', 'auto']}
            allowDataOverflow
            tick={{ fontSize: 10 }}
            width={50}
            tickFormatter={formatValue}
          />
          <Tooltip
            formatter={(v) => formatValue(Number(v))}
            labelFormatter={(v) => `${xLabel.replace(' (log)', '')} ${formatValue(Number(v))}`}
          />
          {runs.map((r, i) => (
            <Line
              key={r.batchSize}
              data={series(r)}
              dataKey="y"
              name={`batch ${r.batchSize}`}
              stroke={colorOf(i)}
              dot={r.steps.length < 12}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
  const noise = study?.result?.noise;
  return (
    <section className="tool" aria-label="batch-size study">
      <p className="small">
        The experiment to tune, trained once per batch size for the same epochs (the same samples). Small batches take
        more, noisier steps; large ones fewer, smoother steps that each cost more.
      </p>
      <div className="tool-controls">
        <ListControl
          label="batch sizes"
          description="comma-separated; 1 is SGD, the training set's size is full-batch gradient descent"
          value={st.sizes}
          onChange={(sizes) => setSt({ sizes })}
        />
        <NumberControl
          meta={{
            key: 'epochs',
            label: 'epochs',
            description: 'epochs for every batch size',
            min: 1,
            max: 100,
            scale: 'linear',
            integer: true,
          }}
          value={st.epochs}
          onChange={(v) => setSt({ epochs: v })}
          testId="study-epochs"
        />
        <BooleanControl
          label={`linear scaling rule: lr × B / ${spec.base.training.batchSize}`}
          description="Goyal et al. 2017: scale the learning rate with the batch size, from the base experiment's batch size"
          value={st.linearScaling}
          onChange={(v) => setSt({ linearScaling: v })}
        />
      </div>
      <FieldErrors errors={errors} testId="study-error" />
      <div className="tool-actions">
        <button type="button" className="primary" data-testid="study-run" onClick={() => jobStart('study')}>
          Run study
        </button>
        {study?.status === 'running' && (
          <button type="button" onClick={() => jobCancel('study')}>
            Cancel
          </button>
        )}
        <span className="small" data-testid="study-status" data-status={study?.status ?? 'idle'}>
          {study ? `${study.status} · ${runs.length} of ${study.spec.study.sizes.length} sizes` : 'idle'}
        </span>
      </div>
      {study?.error && (
        <p role="alert" className="field-error">
          {study.error}
        </p>
      )}
      {study?.result?.skipped.map((s) => (
        <p key={s.batchSize} className="field-error">
          batch {s.batchSize} skipped: {s.reason}
        </p>
      ))}
      {runs.length > 0 && (
        <>
          <ul className="legend">
            {runs.map((r, i) => (
              <li key={r.batchSize}>
                <span className="swatch" style={{ background: colorOf(i) }} />
                batch {r.batchSize}: lr {formatValue(r.lr)}, {r.stepsPerEpoch} steps/epoch
                {r.status === 'diverged' ? ` — ${r.message}` : ''}
              </li>
            ))}
          </ul>
          <div className="charts-grid">
            {chart(
              'Batch loss (averaged) against optimizer steps',
              'study-steps',
              (r) => r.steps.map(([step, loss]) => ({ x: step + 1, y: loss })),
              'steps (log)',
              true,
              batchRange,
            )}
            {chart(
              'Batch loss (averaged) against samples seen',
              'study-samples',
              (r) => r.steps.map(([step, loss]) => ({ x: (step + 1) * r.batchSize, y: loss })),
              'samples seen (log)',
              true,
              batchRange,
            )}
            {chart(
              'Test loss after each epoch against wall-clock time',
              'study-time',
              (r) => r.epochs.map((e, j) => ({ x: r.epochMs[j] / 1000, y: e.testLoss })),
              'seconds',
              false,
              testRange,
            )}
          </div>
        </>
      )}
      {noise && (
        <figure data-testid="study-noise">
          <figcaption>
            <span>
              Spread of the mini-batch gradient: E‖g_B − g‖² at the initial weights, over {noise.population} rows
              (log–log). The line is (N − B)/(B(N − 1))·σ², from per-example gradients.
            </span>
          </figcaption>
          <ResponsiveContainer width="100%" height={210}>
            <ScatterChart margin={{ top: 5, right: 16, bottom: 16, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="batchSize"
                type="number"
                scale="log"
                domain={['dataMin', 'dataMax']}
                tick={{ fontSize: 10 }}
                label={{ value: 'batch size B (log)', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis
                dataKey="v"
                type="number"
                scale="log"
                domain={['auto', 'auto']}
                tick={{ fontSize: 10 }}
                width={60}
                tickFormatter={formatValue}
              />
              <Tooltip formatter={(v) => formatValue(Number(v))} />
              <Scatter
                name="measured"
                data={noise.points
                  .filter((p) => p.meanSqDev > 0)
                  .map((p) => ({ batchSize: p.batchSize, v: p.meanSqDev }))}
                fill="#2563eb"
                isAnimationActive={false}
              />
              <Scatter
                name="theory"
                data={noise.points.filter((p) => p.theory > 0).map((p) => ({ batchSize: p.batchSize, v: p.theory }))}
                fill="none"
                line={{ stroke: '#d97706' }}
                shape={() => <g />}
                isAnimationActive={false}
              />
            </ScatterChart>
          </ResponsiveContainer>
          <p className="small muted">
            ‖g‖² = {formatValue(noise.gradNormSq)}, σ² = {formatValue(noise.sigmaSq)}. Quadrupling the batch divides the
            spread by about four: the "noise scale" of SGD.
          </p>
        </figure>
      )}
    </section>
  );
}
