/**
 * The training lab's live charts (recharts): loss and accuracy (per step smoothed, per epoch on the
 * test set), learning rate, gradient norm and the focused run's update ratio per layer. Every
 * record in the overlay is drawn, the pinned baseline dashed in black; repeats over seeds add a
 * mean ± 1 sd band. Series are smoothed (TensorBoard's debiased EMA) and thinned with LTTB to what
 * the pixels can show, so 10⁵ steps stay smooth; charts follow the store at most ~4 times a second.
 */
import { memo, startTransition, useEffect, useMemo, useRef, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { DIAGNOSTICS_EVERY } from '../../engine/training/steps';
import type { TrainModelResult } from '../../engine/training/train';
import { RUN_COLORS } from '../../labs/colors';
import { selectTrainRecords, useAppStore } from '../../store/store';
import type { TrainRecord } from '../../labs/train';
import { lttb } from '../charts/lttb';
import { downloadBlob, svgToPng } from './exports';
import { seedBand, smoothEma } from './series';
import { useThrottledStore } from '../charts/useThrottledStore';

const MAX_POINTS = 400;
/** the charts take new data this many ms apart (see useStaggered) */
const STAGGER_MS = 40;
const LOG_DOMAIN: [(min: number) => number, (max: number) => number] = [(min) => min / 1.5, (max) => max * 1.5];
const LAYER_COLORS = ['#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export interface SeriesRef {
  key: string;
  record: TrainRecord;
  run: number;
  color: string;
  label: string;
  baseline: boolean;
}

/** The series on the charts: every run of every overlaid record, and the baseline's runs. */
export function overlaySeries(history: TrainRecord[], overlay: number[], baseline: number | null): SeriesRef[] {
  const shown = history.filter((r) => overlay.includes(r.id) || r.id === baseline);
  const total = shown.reduce((n, r) => n + r.runs.length, 0);
  const byIndex = shown.length > 1 && total <= RUN_COLORS.length;
  let index = 0;
  return shown.flatMap((record) =>
    record.runs.map((run, i) => {
      const isBase = record.id === baseline;
      const color = isBase ? '#0f172a' : byIndex ? RUN_COLORS[index % RUN_COLORS.length] : run.color;
      index++;
      const label = `${isBase ? 'baseline ' : ''}#${record.id} ${run.label}`;
      return { key: `r${record.id}_${i}`, record, run: i, color, label, baseline: isBase };
    }),
  );
}

type XMode = 'step' | 'epoch';
type StepKey = 'stepLoss' | 'stepAccuracy' | 'lr' | 'gradNorm';
type Row = Record<string, number | [number, number]>;

interface ChartSpec {
  title: string;
  testId: string;
  log: boolean;
  rows: Row[];
  lines: {
    key: string;
    color: string;
    dashed?: boolean;
    dots?: boolean;
    band?: boolean;
    name: string;
    diverged?: boolean;
  }[];
  reference?: number;
}

/**
 * The y range of the lines that did not diverge (bands included), so a run that blew up leaves the
 * chart at the top instead of squashing every other curve; null when every line diverged.
 */
function yDomain(spec: ChartSpec): [number, number] | null {
  const keys = spec.lines.filter((l) => !l.diverged).flatMap((l) => [l.key, `${l.key}_band`]);
  if (keys.length === 0 || keys.length === spec.lines.length * 2) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of spec.rows) {
    for (const k of keys) {
      const v = row[k];
      for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
        if (Number.isFinite(x)) {
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
    }
  }
  if (!(hi >= lo)) return null;
  return spec.log ? [lo / 1.5, hi * 1.5] : [lo - 0.05 * (hi - lo || 1), hi + 0.05 * (hi - lo || 1)];
}

function xOf(record: TrainRecord, step: number, mode: XMode): number {
  const spe = record.data?.stepsPerEpoch ?? 1;
  return mode === 'epoch' ? step / spe : step;
}

/** Adds a thinned step series to the rows (x = step t + 1, or in epochs). */
function addSteps(
  rows: Map<number, Row>,
  key: string,
  record: TrainRecord,
  values: readonly number[],
  mode: XMode,
  clampLog: boolean,
  band?: { lo: number[]; hi: number[] },
) {
  const xs = values.map((_, t) => xOf(record, t + 1, mode));
  const ys = values.map((v) => (clampLog ? Math.max(v, 1e-10) : v));
  // steps without a value (the diagnostics are measured every DIAGNOSTICS_EVERY steps) are left out
  const measured = ys.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  const finite = measured.map((i) => (Number.isFinite(ys[i]) ? ys[i] : 0));
  const picked = lttb(
    measured.map((_, j) => j),
    finite,
    MAX_POINTS,
  ).x.map((j) => measured[j]);
  for (const i of picked) {
    const x = xs[i];
    const row = rows.get(x) ?? { x };
    row[key] = ys[i];
    if (band)
      row[`${key}_band`] = [
        clampLog ? Math.max(band.lo[i], 1e-10) : band.lo[i],
        clampLog ? Math.max(band.hi[i], 1e-10) : band.hi[i],
      ];
    rows.set(x, row);
  }
}

function addEpochs(
  rows: Map<number, Row>,
  key: string,
  record: TrainRecord,
  epochs: TrainModelResult['epochs'],
  pick: (e: TrainModelResult['epochs'][number]) => number | null,
  mode: XMode,
  clampLog: boolean,
  seeds?: TrainModelResult[],
) {
  const band =
    seeds && seeds.length > 0
      ? seedBand([epochs, ...seeds.map((s) => s.epochs)].map((es) => es.map((e) => pick(e) ?? NaN)))
      : null;
  epochs.forEach((e, i) => {
    const v = pick(e);
    if (v === null) return;
    const x = xOf(record, e.step, mode);
    const row = rows.get(x) ?? { x };
    row[key] = clampLog ? Math.max(v, 1e-10) : v;
    if (band && i < band.mean.length) row[`${key}_band`] = [band.lo[i], band.hi[i]];
    rows.set(x, row);
  });
}

function stepChart(
  series: SeriesRef[],
  field: StepKey,
  smoothing: number,
  mode: XMode,
  log: boolean,
  epochField?: (e: TrainModelResult['epochs'][number]) => number | null,
) {
  const rows = new Map<number, Row>();
  const lines: ChartSpec['lines'] = [];
  for (const s of series) {
    const run = s.record.runs[s.run];
    const smooth = field === 'lr' ? 0 : smoothing;
    const seeds = run.seeds;
    const band = seeds.length > 0 ? seedBand([run, ...seeds].map((m) => smoothEma(m[field], smooth))) : undefined;
    addSteps(rows, s.key, s.record, smoothEma(run[field], smooth), mode, log, band);
    const diverged = run.status === 'diverged';
    lines.push({
      key: s.key,
      color: s.color,
      dashed: s.baseline,
      band: !!band,
      diverged,
      name: `${s.label}${field === 'lr' ? '' : ' (batch)'}${diverged ? ` — diverged at step ${run.divergedAt}` : ''}`,
    });
    if (epochField) {
      addEpochs(rows, `${s.key}_test`, s.record, run.epochs, epochField, mode, log, seeds);
      lines.push({
        key: `${s.key}_test`,
        color: s.color,
        dashed: true,
        dots: true,
        band: seeds.length > 0,
        diverged,
        name: `${s.label} (test, per epoch)`,
      });
    }
  }
  return { rows: [...rows.values()].sort((a, b) => (a.x as number) - (b.x as number)), lines };
}

/** Short tick labels: 0.25, 1.5, 2e-4, 3e+5 (they must fit in 52 px). */
function tick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e5) ? v.toExponential(0) : String(Number(v.toPrecision(2)));
}

/**
 * The value as the chart in `slot` shows it: slot k takes each new value k × STAGGER_MS after slot 0.
 * Recharts does most of a chart's work in its own store updates after React commits it, so charts
 * updated together were one long task; apart, each chart's update is a task of its own (README,
 * Performance). The last slot still lands before the next throttled update.
 */
function useStaggered<T>(value: T, slot: number): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (slot === 0) return;
    const timer = window.setTimeout(() => startTransition(() => setShown(value)), slot * STAGGER_MS);
    return () => window.clearTimeout(timer);
  }, [value, slot]);
  return slot === 0 ? value : shown;
}

function StaggeredChart({ spec, mode, slot }: { spec: ChartSpec; mode: XMode; slot: number }) {
  return <Chart spec={useStaggered(spec, slot)} mode={useStaggered(mode, slot)} />;
}

const Chart = memo(function Chart({ spec, mode }: { spec: ChartSpec; mode: XMode }) {
  const ref = useRef<HTMLElement>(null);
  const domain = yDomain(spec);
  const exportPng = async () => {
    const svg = ref.current?.querySelector('svg.recharts-surface') as SVGSVGElement | null;
    if (svg) downloadBlob(`${spec.testId}.png`, await svgToPng(svg, spec.title));
  };
  return (
    <figure ref={ref} data-testid={spec.testId} data-series={spec.lines.filter((l) => !l.key.endsWith('_test')).length}>
      <figcaption>
        {spec.title}
        <button
          type="button"
          className="link small"
          onClick={() => void exportPng()}
          aria-label={`download ${spec.title} as PNG`}
        >
          PNG
        </button>
      </figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <ComposedChart data={spec.rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey="x"
            type="number"
            domain={['dataMin', 'dataMax']}
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => (mode === 'epoch' ? Number(v.toFixed(2)).toString() : String(Math.round(v)))}
          />
          <YAxis
            scale={spec.log ? 'log' : 'linear'}
            domain={domain ?? (spec.log ? LOG_DOMAIN : ['auto', 'auto'])}
            allowDataOverflow
            tick={{ fontSize: 11 }}
            tickFormatter={tick}
            width={52}
          />
          <Tooltip
            formatter={(v) =>
              Array.isArray(v) ? v.map((x) => Number(x).toPrecision(3)).join(' – ') : Number(v).toPrecision(4)
            }
            labelFormatter={(l) => `${mode} ${Number(l).toPrecision(4)}`}
          />
          {spec.reference !== undefined && (
            <ReferenceLine
              y={spec.reference}
              stroke="#94a3b8"
              strokeDasharray="4 4"
              label={{ value: '10⁻³', fontSize: 10, fill: '#64748b', position: 'insideTopRight' }}
            />
          )}
          {spec.lines
            .filter((l) => l.band)
            .map((l) => (
              <Area
                key={`${l.key}_band`}
                dataKey={`${l.key}_band`}
                stroke="none"
                fill={l.color}
                fillOpacity={0.15}
                isAnimationActive={false}
                connectNulls
                name={`${l.name} ± 1 sd`}
              />
            ))}
          {spec.lines.map((l) => (
            // a dotted line (test, per epoch) gets only its own rows: recharts makes a dot element for
            // every row of the data it is given, so the shared rows cost ~800 dots a render per line
            <Line
              key={l.key}
              data={l.dots ? spec.rows.filter((r) => r[l.key] !== undefined) : undefined}
              type="linear"
              dataKey={l.key}
              name={l.name}
              stroke={l.color}
              strokeDasharray={l.dashed ? '5 4' : undefined}
              dot={l.dots ? { r: 2 } : false}
              strokeWidth={l.dots ? 1.5 : 2}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
});

/** The training records drawn on the charts: every one the user has not unticked. */
export function useOverlay(history: TrainRecord[]): number[] {
  const hidden = useAppStore((s) => s.hidden);
  return useMemo(() => history.map((r) => r.id).filter((id) => !hidden.includes(id)), [history, hidden]);
}

export function TrainCharts() {
  // the streamed history is throttled; the user's own choices show at once
  const history = useThrottledStore(selectTrainRecords, 250);
  const overlay = useOverlay(history);
  const baseline = useAppStore((s) => s.baseline);
  const focus = useAppStore((s) => s.focus);
  const [smoothing, setSmoothing] = useState(0.6);
  const [mode, setMode] = useState<XMode>('step');
  const series = overlaySeries(history, overlay, baseline);
  const classification = series.some(
    (s) => s.record.data?.task === 'classification' || s.record.runs[s.run].stepAccuracy.length > 0,
  );
  const loss = stepChart(series, 'stepLoss', smoothing, mode, true, (e) => e.testLoss);
  const charts: ChartSpec[] = [
    { title: 'loss (log): batch, smoothed · test per epoch', testId: 'train-loss-chart', log: true, ...loss },
  ];
  if (classification)
    charts.push({
      title: 'accuracy: batch, smoothed · test per epoch',
      testId: 'train-acc-chart',
      log: false,
      ...stepChart(series, 'stepAccuracy', smoothing, mode, false, (e) => e.testAccuracy),
    });
  charts.push({
    title: 'learning rate (log)',
    testId: 'train-lr-chart',
    log: true,
    ...stepChart(series, 'lr', 0, mode, true),
  });
  charts.push({
    title: `gradient norm ‖g‖ (log), every ${DIAGNOSTICS_EVERY}th step, smoothed`,
    testId: 'train-grad-chart',
    log: true,
    ...stepChart(series, 'gradNorm', smoothing, mode, true),
  });
  const focused = focus ? history.find((r) => r.id === focus.record) : history[history.length - 1];
  const focusRun = focused?.runs[focus?.run ?? 0];
  if (focused && focusRun && focusRun.updateRatio.length > 0) {
    const rows = new Map<number, Row>();
    const L = focusRun.updateRatio[0].length;
    const lines: ChartSpec['lines'] = [];
    for (let l = 0; l < L; l++) {
      addSteps(
        rows,
        `layer${l}`,
        focused,
        smoothEma(
          focusRun.updateRatio.map((u) => u[l]),
          smoothing,
        ),
        mode,
        true,
      );
      lines.push({ key: `layer${l}`, color: LAYER_COLORS[l % LAYER_COLORS.length], name: `layer ${l + 1}` });
    }
    charts.push({
      title: `update ratio ‖Δw‖/‖w‖ per layer (log), every ${DIAGNOSTICS_EVERY}th step · #${focused.id} ${focusRun.label}`,
      testId: 'train-ratio-chart',
      log: true,
      rows: [...rows.values()].sort((a, b) => (a.x as number) - (b.x as number)),
      lines,
      reference: 1e-3,
    });
  }
  return (
    <section className="train-charts" aria-label="training charts">
      <div className="chart-options">
        <label className="small">
          smoothing{' '}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(e) => setSmoothing(Number(e.target.value))}
            aria-label="smoothing"
          />{' '}
          {smoothing.toFixed(2)}
        </label>
        <span className="small" role="group" aria-label="x axis">
          x axis:{' '}
          <button
            type="button"
            className={mode === 'step' ? 'active' : ''}
            aria-pressed={mode === 'step'}
            onClick={() => setMode('step')}
          >
            steps
          </button>
          <button
            type="button"
            className={mode === 'epoch' ? 'active' : ''}
            aria-pressed={mode === 'epoch'}
            onClick={() => setMode('epoch')}
            data-testid="x-epochs"
          >
            epochs
          </button>
        </span>
        <ul className="legend" data-testid="train-legend">
          {series.map((s) => (
            <li key={s.key} data-testid="legend-item">
              <span className="swatch" style={{ background: s.color, opacity: s.baseline ? 0.7 : 1 }} />
              {s.label}
              {s.record.runs[s.run].seeds.length > 0 && (
                <span className="muted"> (mean ± 1 sd over {s.record.runs[s.run].seeds.length + 1} seeds shaded)</span>
              )}
            </li>
          ))}
        </ul>
      </div>
      {series.length === 0 ? (
        <p className="muted empty-charts">
          Press <strong>Train</strong> to start; the curves appear here as it learns.
        </p>
      ) : (
        <div className="charts-grid">
          {charts.map((c, i) => (
            <StaggeredChart key={c.testId} spec={c} mode={mode} slot={i} />
          ))}
        </div>
      )}
    </section>
  );
}
