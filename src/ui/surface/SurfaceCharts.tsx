/** Loss and learning rate against step for every run (recharts). Series are thinned to what the pixels show. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { OBJECTIVES } from '../../engine/objectives/registry';
import type { SurfaceSpec } from '../../engine/spec/schema';
import type { SurfaceResult } from '../../engine/surface/runSurface';
import { runLabel } from './runLabel';

const MAX_POINTS = 600;

type Row = Record<string, number>;

function rows(result: SurfaceResult, series: 'loss' | 'lr', transform: (v: number) => number): Row[] {
  const longest = Math.max(...result.runs.map((r) => r[series].length));
  const stride = Math.max(1, Math.ceil(longest / MAX_POINTS));
  const out: Row[] = [];
  for (let t = 0; t < longest; t += stride) {
    const row: Row = { step: t };
    result.runs.forEach((r, i) => {
      if (t < r[series].length) row[`r${i}`] = transform(r[series][t]);
    });
    out.push(row);
  }
  return out;
}

export function SurfaceCharts({ spec, result }: { spec: SurfaceSpec; result: SurfaceResult }) {
  const minValue = OBJECTIVES[spec.objective.name].minValue;
  // log scale needs positive values: plot f − f* (clamped) where the minimum is known
  const logLoss = minValue !== null;
  const lossRows = rows(result, 'loss', (v) => (logLoss ? Math.max(v - minValue, 1e-12) : v));
  const lrRows = rows(result, 'lr', (v) => Math.max(v, 1e-12));
  const lines = result.runs.map((_, i) => (
    <Line
      key={i}
      type="linear"
      dataKey={`r${i}`}
      name={runLabel(spec.runs[i], i)}
      stroke={spec.runs[i]?.color ?? '#64748b'}
      dot={false}
      strokeWidth={2}
      isAnimationActive={false}
      connectNulls
    />
  ));
  return (
    <div className="charts">
      <figure data-testid="loss-chart">
        <figcaption>{logLoss ? 'f − f* against step (log scale)' : 'loss against step'}</figcaption>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={lossRows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} />
            <YAxis scale={logLoss ? 'log' : 'linear'} domain={['auto', 'auto']} allowDataOverflow tickFormatter={(v: number) => v.toPrecision(2)} width={64} />
            <Tooltip formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(l) => `step ${l}`} />
            <Legend itemSorter={null} />
            {lines}
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure data-testid="lr-chart">
        <figcaption>learning rate against step (log scale)</figcaption>
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={lrRows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} />
            <YAxis scale="log" domain={['auto', 'auto']} allowDataOverflow tickFormatter={(v: number) => v.toPrecision(2)} width={64} />
            <Tooltip formatter={(v) => Number(v).toPrecision(4)} labelFormatter={(l) => `step ${l}`} />
            {lines}
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
