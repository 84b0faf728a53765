/**
 * Live charts (recharts): f − f* (log), learning rate (log) and distance to the nearest minimum,
 * each up to the runs' playheads. They follow the animation at ~6 Hz rather than every frame, and
 * series are thinned with LTTB to what the pixels can show.
 */
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { OBJECTIVES } from '../../engine/objectives/registry';
import { useAppStore } from '../../store/store';
import type { RaceRun } from '../../store/raceSlice';
import { lttb } from '../charts/lttb';
import { useThrottledStore } from '../charts/useThrottledStore';
import { runLabel } from './runLabel';

const MAX_POINTS = 400;
const CHART_INTERVAL_MS = 160;
/** a factor of 2 of room on log axes, so a constant series does not sit on the axis line */
const LOG_DOMAIN: [(min: number) => number, (max: number) => number] = [(min) => min / 2, (max) => max * 2];

type Series = 'loss' | 'lr' | 'distance';

/** Each run's series up to its playhead, thinned with LTTB (spikes survive), merged by step. */
function rows(race: RaceRun[], heads: number[], series: Series, transform: (v: number) => number) {
  const byStep = new Map<number, Record<string, number>>();
  race.forEach((r, i) => {
    const values = r[series];
    const limit = Math.min(values.length - 1, series === 'lr' ? (heads[i] ?? 0) - 1 : (heads[i] ?? 0));
    if (limit < 0) return;
    const steps = Array.from({ length: limit + 1 }, (_, t) => t);
    const thinned = lttb(
      steps,
      steps.map((t) => transform(values[t])),
      MAX_POINTS,
    );
    thinned.x.forEach((t, k) => {
      const row = byStep.get(t) ?? { step: t };
      row[`r${i}`] = thinned.y[k];
      byStep.set(t, row);
    });
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function Chart(props: {
  title: string;
  testId: string;
  data: Record<string, number>[];
  steps: number;
  log: boolean;
  lines: React.ReactNode;
}) {
  return (
    <figure data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <LineChart data={props.data} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="step" type="number" domain={[0, props.steps]} tick={{ fontSize: 11 }} />
          <YAxis
            scale={props.log ? 'log' : 'linear'}
            domain={props.log ? LOG_DOMAIN : ['auto', 'auto']}
            allowDataOverflow
            tick={{ fontSize: 11 }}
            tickFormatter={(v: number) => Number(v).toPrecision(2)}
            width={52}
          />
          <Tooltip formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(l) => `step ${l}`} />
          {props.lines}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function RaceCharts() {
  // the playheads, at most every CHART_INTERVAL_MS (with a trailing update)
  const heads = useThrottledStore((s) => s.heads, CHART_INTERVAL_MS);
  const race = useAppStore((s) => s.race);
  const spec = useAppStore((s) => s.specs.surface);
  const meta = OBJECTIVES[spec.objective.name];
  const logLoss = meta.minValue !== null;
  const hide = spec.view.hide.includes('names');
  const lines = spec.runs.map((run, i) => (
    <Line
      key={i}
      type="linear"
      dataKey={`r${i}`}
      name={runLabel(run, i, hide)}
      stroke={run.color ?? '#64748b'}
      dot={false}
      strokeWidth={2}
      isAnimationActive={false}
      connectNulls
    />
  ));
  const hasMinima = meta.minima(spec.objective).length > 0;
  return (
    <div className="charts">
      <Chart
        title={logLoss ? 'loss f − f* (log)' : 'loss f'}
        testId="loss-chart"
        data={rows(race, heads, 'loss', (v) => (logLoss ? Math.max(v - meta.minValue!, 1e-12) : v))}
        steps={spec.steps}
        log={logLoss}
        lines={lines}
      />
      <Chart
        title="learning rate (log)"
        testId="lr-chart"
        data={rows(race, heads, 'lr', (v) => Math.max(v, 1e-12))}
        steps={spec.steps}
        log
        lines={lines}
      />
      {hasMinima && (
        <Chart
          title="distance to the nearest minimum (log)"
          testId="distance-chart"
          data={rows(race, heads, 'distance', (v) => Math.max(v, 1e-9))}
          steps={spec.steps}
          log
          lines={lines}
        />
      )}
    </div>
  );
}
