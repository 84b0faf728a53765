/**
 * The search lab's views of one search: the trials table, the best score so far (against the other
 * searches on the same data and objective), parallel coordinates, slice plots, a heatmap over two
 * parameters, every trial's learning curve, and parameter importance. Log-scaled parameters get log
 * axes; diverged trials are red and never stretch an axis; "best k %" filters every view.
 */
import { useMemo, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  Cell,
} from 'recharts';
import { searchImportance } from '../../engine/search/importance';
import { searchScore } from '../../engine/search/plan';
import type { SearchTrial } from '../../engine/search/runSearch';
import type { SearchParam } from '../../engine/search/space';
import type { SearchSpec } from '../../engine/spec/searchSchema';
import type { SearchRecord } from '../../labs/search';
import { trialToTrainLab } from '../../store/labLinks';
import { selectSearchRecords, selectSearchShown, useAppStore } from '../../store/store';
import { logTicks } from '../charts/ticks';
import { useThrottledStore } from '../charts/useThrottledStore';
import {
  DIVERGED_COLOR,
  axisPosition,
  bestShare,
  bestSoFar,
  finiteRange,
  formatValue,
  objectiveLabel,
  paramLabel,
  scored,
  trialColor,
} from './searchViewData';

const STATUS_TEXT: Record<SearchTrial['status'], string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  diverged: 'diverged',
  'early-stopped': 'early stop',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** What the table says: Hyperband's unpromoted trials are early-stopped, and said to be pruned. */
const statusText = (t: SearchTrial) => (t.pruned ? 'pruned' : STATUS_TEXT[t.status]);

function TrialsTable({
  record,
  trials,
  color,
}: {
  record: SearchRecord;
  trials: SearchTrial[];
  color: (t: SearchTrial) => string;
}) {
  const { spec } = record;
  const selected = useAppStore((s) => s.trialSelected);
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 }>({ key: 'value', dir: 1 });
  const rows = useMemo(() => {
    const val = (t: SearchTrial): number =>
      sort.key === 'id'
        ? t.id
        : sort.key === 'epochs'
          ? t.epochs
          : sort.key === 'value'
            ? t.value === null
              ? Infinity
              : searchScore(spec.objective, t.value)
            : t.params[sort.key];
    return [...trials].sort((a, b) => {
      const va = val(a);
      const vb = val(b);
      return va === vb
        ? a.id - b.id
        : (va < vb ? -1 : 1) * (sort.key === 'value' && !Number.isFinite(va - vb) ? 1 : sort.dir);
    });
  }, [trials, sort, spec.objective]);
  const head = (key: string, label: string) => (
    <th key={key} aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="link"
        onClick={() => setSort((s) => ({ key, dir: s.key === key ? (-s.dir as 1 | -1) : 1 }))}
      >
        {label}
        {sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <div className="trials-table">
      <table data-testid="trials-table">
        <thead>
          <tr>
            {head('id', '#')}
            {spec.space.map((p) => head(p.param, paramLabel(p.param)))}
            {head('value', objectiveLabel(spec.objective))}
            {head('epochs', 'epochs')}
            <th>status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr
              key={t.id}
              className={`${selected === t.id ? 'selected' : ''}${record.best === t.id ? ' best' : ''}`}
              data-testid={`trial-${t.id}`}
              data-status={t.status}
              onClick={() => useAppStore.getState().trialSelect(t.id)}
            >
              <td>
                <span className="swatch" style={{ background: color(t) }} />
                {t.id}
                {record.best === t.id ? ' ★' : ''}
              </td>
              {spec.space.map((p) => (
                <td key={p.param}>{formatValue(t.params[p.param])}</td>
              ))}
              <td>
                {t.value === null
                  ? '—'
                  : spec.objective === 'testAccuracy'
                    ? `${(100 * t.value).toFixed(1)}%`
                    : formatValue(t.value)}
              </td>
              <td>{t.epochs}</td>
              <td
                className={t.status === 'diverged' ? 'diverged-text' : t.pruned ? 'muted' : undefined}
                title={t.message}
              >
                {statusText(t)}
                {t.bracket !== undefined ? ` · b${t.bracket} r${t.rung}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SelectedTrial({ record }: { record: SearchRecord }) {
  const id = useAppStore((s) => s.trialSelected);
  const t = id === null ? undefined : record.trials[id];
  if (!t) return <p className="muted small">Click a trial to see its curves.</p>;
  const rows = t.curve.map((e) => ({ epoch: e.epoch, train: e.trainLoss, test: e.testLoss }));
  return (
    <figure data-testid="trial-curves">
      <figcaption>
        <span>
          Trial {t.id}:{' '}
          {record.spec.space.map((p) => `${paramLabel(p.param)} ${formatValue(t.params[p.param])}`).join(', ')} ·{' '}
          {statusText(t)}
          {t.message ? ` (${t.message})` : ''} — <span style={{ color: '#2563eb' }}>train</span> and{' '}
          <span style={{ color: '#d97706' }}>test</span> loss
        </span>
        <button
          type="button"
          className="link small"
          data-testid="trial-train"
          onClick={() => trialToTrainLab(record.spec, t)}
        >
          open in the training lab
        </button>
      </figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <LineChart data={rows} margin={{ top: 5, right: 12, bottom: 14, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[1, 'dataMax']}
            allowDecimals={false}
            tick={{ fontSize: 11 }}
            label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis tick={{ fontSize: 11 }} width={52} tickFormatter={formatValue} domain={['auto', 'auto']} />
          <Tooltip formatter={(v) => formatValue(Number(v))} />
          <Line dataKey="train" name="train loss" stroke="#2563eb" dot isAnimationActive={false} />
          <Line dataKey="test" name="test loss" stroke="#d97706" dot isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function BestSoFar({ record }: { record: SearchRecord }) {
  const searches = useAppStore(selectSearchRecords);
  const [x, setX] = useState<'n' | 'cost'>('n');
  const same = searches.filter(
    (r) =>
      r.spec.objective === record.spec.objective &&
      JSON.stringify(r.spec.base.data) === JSON.stringify(record.spec.base.data),
  );
  const colors = ['#2563eb', '#d97706', '#16a34a', '#7c3aed', '#db2777', '#0891b2'];
  const lines = same.map((r, i) => ({
    r,
    color: colors[i % colors.length],
    points: bestSoFar(
      r.spec,
      r.evaluations.length
        ? r.evaluations
        : r.trials
            .filter((t) => t.done > 0)
            .sort((a, b) => a.done - b.done)
            .map((t) => ({ value: t.value, cost: 0 })),
    ),
  }));
  const range = finiteRange(lines.flatMap((l) => l.points.map((p) => p.best)));
  return (
    <figure data-testid="best-so-far">
      <figcaption>
        <span>
          Best {objectiveLabel(record.spec.objective)} so far, against{' '}
          {x === 'n' ? 'evaluations (SHA and Hyperband count each rung)' : 'epochs trained'} ({same.length} search
          {same.length > 1 ? 'es' : ''} on this data)
        </span>
        <span className="chart-options">
          <button type="button" className={x === 'n' ? 'active' : ''} onClick={() => setX('n')}>
            trials
          </button>
          <button type="button" className={x === 'cost' ? 'active' : ''} onClick={() => setX('cost')}>
            epochs
          </button>
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <LineChart margin={{ top: 5, right: 12, bottom: 14, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey={x}
            type="number"
            domain={[0, 'dataMax']}
            allowDecimals={false}
            tick={{ fontSize: 11 }}
            label={{
              value: x === 'n' ? 'evaluation' : 'epochs trained',
              position: 'insideBottom',
              offset: -8,
              fontSize: 11,
            }}
          />
          <YAxis
            type="number"
            tick={{ fontSize: 11 }}
            width={52}
            tickFormatter={formatValue}
            domain={range ?? ['auto', 'auto']}
          />
          <Tooltip
            formatter={(v) => formatValue(Number(v))}
            labelFormatter={(v) => `${x === 'n' ? 'trial' : 'epochs'} ${v}`}
          />
          {lines.map((l) => (
            <Line
              key={l.r.id}
              data={l.points}
              dataKey="best"
              name={`#${l.r.id} ${l.r.title}`}
              stroke={l.color}
              strokeWidth={l.r.id === record.id ? 2.5 : 1.5}
              dot={false}
              type="stepAfter"
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <ul className="legend">
        {lines.map((l) => (
          <li key={l.r.id}>
            <span className="swatch" style={{ background: l.color }} />#{l.r.id} {l.r.title}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Parallel coordinates in SVG: one axis per parameter (log where log) and the objective. */
function ParallelCoordinates({
  spec,
  trials,
  color,
}: {
  spec: SearchSpec;
  trials: SearchTrial[];
  color: (t: SearchTrial) => string;
}) {
  const selected = useAppStore((s) => s.trialSelected);
  const W = 640;
  const H = 220;
  const pad = { l: 40, r: 60, t: 24, b: 26 };
  const axes = spec.space.length + 1;
  const xAt = (i: number) => pad.l + (i * (W - pad.l - pad.r)) / Math.max(1, axes - 1);
  const range = finiteRange(trials.filter((t) => t.status !== 'diverged').map((t) => t.value));
  const yParam = (p: SearchParam, v: number) => pad.t + (1 - axisPosition(p, v)) * (H - pad.t - pad.b);
  const yObj = (v: number | null) =>
    v === null || !range ? pad.t : pad.t + (1 - (v - range[0]) / (range[1] - range[0])) * (H - pad.t - pad.b);
  const shown = trials.filter((t) => t.status !== 'queued' && t.status !== 'failed');
  return (
    <figure data-testid="parallel-coordinates">
      <figcaption>
        <span>
          Parallel coordinates: each line is a trial, coloured by {objectiveLabel(spec.objective)} (bright = best, red =
          diverged)
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="parallel coordinates of the trials">
        {spec.space.map((p, i) => (
          <g key={p.param}>
            <line x1={xAt(i)} x2={xAt(i)} y1={pad.t} y2={H - pad.b} stroke="#94a3b8" />
            <text x={xAt(i)} y={14} textAnchor="middle" fontSize={11}>
              {paramLabel(p.param)}
              {p.scale === 'log' && !p.values ? ' (log)' : ''}
            </text>
            <text x={xAt(i) + 3} y={pad.t + 4} fontSize={9} fill="#64748b">
              {formatValue(p.values ? p.values[p.values.length - 1] : p.max)}
            </text>
            <text x={xAt(i) + 3} y={H - pad.b + 12} fontSize={9} fill="#64748b">
              {formatValue(p.values ? p.values[0] : p.min)}
            </text>
          </g>
        ))}
        <line x1={xAt(axes - 1)} x2={xAt(axes - 1)} y1={pad.t} y2={H - pad.b} stroke="#0f172a" />
        <text x={xAt(axes - 1)} y={14} textAnchor="middle" fontSize={11} fontWeight={600}>
          {objectiveLabel(spec.objective)}
        </text>
        {range && (
          <text x={xAt(axes - 1) + 4} y={pad.t + 4} fontSize={9} fill="#64748b">
            {formatValue(range[1])}
          </text>
        )}
        {range && (
          <text x={xAt(axes - 1) + 4} y={H - pad.b + 12} fontSize={9} fill="#64748b">
            {formatValue(range[0])}
          </text>
        )}
        {shown.map((t) => {
          const pts = [
            ...spec.space.map((p, i) => [xAt(i), yParam(p, t.params[p.param])]),
            [xAt(axes - 1), t.status === 'diverged' ? pad.t - 8 : yObj(t.value)],
          ];
          const dashed = t.pruned === true;
          return (
            <polyline
              key={t.id}
              points={pts.map((p) => p.join(',')).join(' ')}
              fill="none"
              stroke={color(t)}
              strokeWidth={selected === t.id ? 3 : 1.4}
              strokeOpacity={selected === null || selected === t.id ? 0.85 : 0.35}
              strokeDasharray={dashed ? '4 3' : undefined}
              onClick={() => useAppStore.getState().trialSelect(t.id)}
              style={{ cursor: 'pointer' }}
            >
              <title>trial {t.id}</title>
            </polyline>
          );
        })}
      </svg>
    </figure>
  );
}

/** One scatter per parameter: the parameter against the objective (log x where log). */
function SlicePlots({
  spec,
  trials,
  color,
}: {
  spec: SearchSpec;
  trials: SearchTrial[];
  color: (t: SearchTrial) => string;
}) {
  const range = finiteRange(trials.filter((t) => t.status !== 'diverged').map((t) => t.value));
  return (
    <div className="slices" data-testid="slice-plots">
      {spec.space.map((p) => {
        const log = p.scale === 'log' && !p.values;
        const points = trials
          .filter((t) => t.value !== null || t.status === 'diverged')
          .map((t) => ({ x: t.params[p.param], y: t.value ?? (range ? range[1] : 0), t }));
        return (
          <figure key={p.param}>
            <figcaption>
              <span>
                {paramLabel(p.param)}
                {log ? ' (log axis)' : ''}
              </span>
            </figcaption>
            <ResponsiveContainer width="100%" height={150}>
              <ScatterChart margin={{ top: 5, right: 10, bottom: 14, left: 4 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis
                  dataKey="x"
                  type="number"
                  scale={log ? 'log' : 'linear'}
                  domain={
                    log
                      ? [p.min, p.max]
                      : [p.values ? Math.min(...p.values) : p.min, p.values ? Math.max(...p.values) : p.max]
                  }
                  allowDataOverflow
                  tick={{ fontSize: 10 }}
                  tickFormatter={formatValue}
                  ticks={log ? logTicks(p.min, p.max) : p.values}
                />
                <YAxis
                  dataKey="y"
                  type="number"
                  domain={range ?? ['auto', 'auto']}
                  allowDataOverflow
                  tick={{ fontSize: 10 }}
                  width={48}
                  tickFormatter={formatValue}
                />
                <Tooltip formatter={(v) => formatValue(Number(v))} />
                <Scatter data={points} isAnimationActive={false}>
                  {points.map((pt) => (
                    <Cell
                      key={pt.t.id}
                      fill={color(pt.t)}
                      stroke={pt.t.status === 'diverged' ? DIVERGED_COLOR : undefined}
                      onClick={() => useAppStore.getState().trialSelect(pt.t.id)}
                    />
                  ))}
                </Scatter>
              </ScatterChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}

/** The best score in each cell of a grid over two parameters (on their scales), with the trials on top. */
function Heatmap({
  spec,
  trials,
  color,
}: {
  spec: SearchSpec;
  trials: SearchTrial[];
  color: (t: SearchTrial) => string;
}) {
  const [axes, setAxes] = useState<[number, number]>([0, Math.min(1, spec.space.length - 1)]);
  if (spec.space.length < 2) return null;
  const [a, b] = [
    spec.space[Math.min(axes[0], spec.space.length - 1)],
    spec.space[Math.min(axes[1], spec.space.length - 1)],
  ];
  const N = 8;
  const W = 300;
  const cell = W / N;
  const best = new Map<string, SearchTrial>();
  for (const { trial, score } of scored(spec, trials)) {
    const i = Math.min(N - 1, Math.floor(axisPosition(a, trial.params[a.param]) * N));
    const j = Math.min(N - 1, Math.floor(axisPosition(b, trial.params[b.param]) * N));
    const key = `${i},${j}`;
    const prev = best.get(key);
    if (!prev || score < searchScore(spec.objective, prev.value!)) best.set(key, trial);
  }
  return (
    <figure data-testid="heatmap">
      <figcaption>
        <span>
          Best {objectiveLabel(spec.objective)} over{' '}
          <select aria-label="x parameter" value={axes[0]} onChange={(e) => setAxes([Number(e.target.value), axes[1]])}>
            {spec.space.map((p, i) => (
              <option key={p.param} value={i}>
                {paramLabel(p.param)}
              </option>
            ))}
          </select>
          {' × '}
          <select aria-label="y parameter" value={axes[1]} onChange={(e) => setAxes([axes[0], Number(e.target.value)])}>
            {spec.space.map((p, i) => (
              <option key={p.param} value={i}>
                {paramLabel(p.param)}
              </option>
            ))}
          </select>
        </span>
      </figcaption>
      <svg
        viewBox={`-50 0 ${W + 60} ${W + 30}`}
        width="360"
        role="img"
        aria-label="heatmap of the best score over two parameters"
      >
        {[...best.entries()].map(([key, t]) => {
          const [i, j] = key.split(',').map(Number);
          return (
            <rect
              key={key}
              x={i * cell}
              y={W - (j + 1) * cell}
              width={cell}
              height={cell}
              fill={color(t)}
              opacity={0.55}
            >
              <title>
                best: trial {t.id}, {formatValue(t.value!)}
              </title>
            </rect>
          );
        })}
        <rect x={0} y={0} width={W} height={W} fill="none" stroke="#94a3b8" />
        {trials
          .filter((t) => t.status !== 'queued' && t.status !== 'failed')
          .map((t) => (
            <circle
              key={t.id}
              cx={axisPosition(a, t.params[a.param]) * W}
              cy={W - axisPosition(b, t.params[b.param]) * W}
              r={3.5}
              fill={color(t)}
              stroke="#0f172a"
              strokeWidth={0.6}
            />
          ))}
        <text x={W / 2} y={W + 24} textAnchor="middle" fontSize={11}>
          {paramLabel(a.param)}
          {a.scale === 'log' && !a.values ? ' (log)' : ''}: {formatValue(a.values ? a.values[0] : a.min)} …{' '}
          {formatValue(a.values ? a.values[a.values.length - 1] : a.max)}
        </text>
        <text x={-8} y={W / 2} textAnchor="middle" fontSize={11} transform={`rotate(-90 -8 ${W / 2})`}>
          {paramLabel(b.param)}
          {b.scale === 'log' && !b.values ? ' (log)' : ''}
        </text>
      </svg>
    </figure>
  );
}

/** Every trial's test loss per epoch; pruned trials dashed, diverged ones red (and off the y range). */
function AllCurves({
  spec,
  trials,
  color,
}: {
  spec: SearchSpec;
  trials: SearchTrial[];
  color: (t: SearchTrial) => string;
}) {
  const selected = useAppStore((s) => s.trialSelected);
  const withCurves = trials.filter((t) => t.curve.length > 0);
  const pick = (e: SearchTrial['curve'][number]) =>
    spec.objective === 'testAccuracy' ? e.testAccuracy : spec.objective === 'trainLoss' ? e.trainLoss : e.testLoss;
  const range = finiteRange(withCurves.filter((t) => t.status !== 'diverged').flatMap((t) => t.curve.map(pick)));
  return (
    <figure data-testid="all-curves">
      <figcaption>
        <span>
          Learning curves of every trial: {objectiveLabel(spec.objective)} per epoch (dashed: stopped early by the
          strategy)
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart margin={{ top: 5, right: 12, bottom: 14, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey="epoch"
            type="number"
            domain={[1, 'dataMax']}
            allowDecimals={false}
            tick={{ fontSize: 11 }}
            label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis
            type="number"
            domain={range ?? ['auto', 'auto']}
            allowDataOverflow
            tick={{ fontSize: 11 }}
            width={52}
            tickFormatter={formatValue}
          />
          {withCurves.map((t) => (
            <Line
              key={t.id}
              data={t.curve.map((e) => ({ epoch: e.epoch, v: pick(e) }))}
              dataKey="v"
              name={`trial ${t.id}`}
              stroke={color(t)}
              strokeWidth={selected === t.id ? 3 : 1.2}
              strokeOpacity={selected === null || selected === t.id ? 0.9 : 0.35}
              strokeDasharray={t.pruned ? '4 3' : undefined}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

function Importance({ spec, trials }: { spec: SearchSpec; trials: SearchTrial[] }) {
  const points = scored(
    spec,
    trials.filter((t) => !t.pruned),
  ).map((x) => ({ params: x.trial.params, score: x.score }));
  const diverged = trials.filter((t) => t.status === 'diverged');
  // a diverged trial counts as the worst score: it says a lot about the parameter that caused it
  const worst = points.length ? Math.max(...points.map((p) => p.score)) : 0;
  const all = [...points, ...diverged.map((t) => ({ params: t.params, score: worst }))];
  const imp = searchImportance(spec.space, all);
  return (
    <figure data-testid="importance">
      <figcaption>
        <span>
          Parameter importance (η²: share of the score's variance each parameter explains alone; {all.length} trials
          {all.length < 10 ? ' — few trials: rough' : ''})
        </span>
      </figcaption>
      <div className="importance">
        {imp
          .sort((x, y) => y.eta2 - x.eta2)
          .map((x) => (
            <div key={x.param} className="importance-row">
              <span>{paramLabel(x.param)}</span>
              <span className="bar">
                <span style={{ width: `${Math.round(100 * x.eta2)}%` }} />
              </span>
              <span className="small">{x.eta2.toFixed(2)}</span>
            </div>
          ))}
      </div>
    </figure>
  );
}

export function SearchViews() {
  const record = useThrottledStore(selectSearchShown, 250);
  const [percent, setPercent] = useState(100);
  if (!record) return <div className="empty-charts muted">Run a search to see its trials here.</div>;
  const { spec } = record;
  const trials = record.trials.filter(Boolean);
  const shown = bestShare(spec, trials, percent);
  const color = trialColor(spec, trials);
  return (
    <div className="search-views">
      <div className="chart-options">
        <label className="small">
          show the best{' '}
          <input
            type="range"
            min={10}
            max={100}
            step={10}
            value={percent}
            aria-label="share of trials shown"
            data-testid="best-percent"
            onChange={(e) => setPercent(Number(e.target.value))}
          />{' '}
          {percent}%
        </label>
        <span className="small muted">
          {shown.length} of {trials.length} trials shown
        </span>
      </div>
      <div className="search-grid">
        <TrialsTable record={record} trials={shown} color={color} />
        <SelectedTrial record={record} />
      </div>
      <div className="charts-grid">
        <BestSoFar record={record} />
        <AllCurves spec={spec} trials={shown} color={color} />
      </div>
      <ParallelCoordinates spec={spec} trials={shown} color={color} />
      <div className="charts-grid">
        <Heatmap spec={spec} trials={shown} color={color} />
        <Importance spec={spec} trials={trials} />
      </div>
      <SlicePlots spec={spec} trials={shown} color={color} />
    </div>
  );
}
