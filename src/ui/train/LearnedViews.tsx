/**
 * What the focused run has learned, from its latest probe: the decision boundary as a heatmap under
 * the points (2-D data), the fitted curve (1-D regression), sample predictions and the confusion
 * matrix (classification; digits drawn for MNIST), and weight histograms per layer.
 */
import { memo, useEffect, useRef } from 'react';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainDataInfo, TrainRunProbe } from '../../engine/training/runTrainSpec';
import { selectTrainRecords, useAppStore } from '../../store/store';
import type { TrainRecord } from '../../labs/train';
import { useThrottledStore } from '../charts/useThrottledStore';

/** class colours: points and the heatmap's tint */
const CLASS_COLORS: [number, number, number][] = [
  [37, 99, 235],
  [234, 88, 12],
  [22, 163, 74],
  [147, 51, 234],
  [219, 39, 119],
  [8, 145, 178],
  [202, 138, 4],
  [71, 85, 105],
  [220, 38, 38],
  [13, 148, 136],
];
const rgb = (c: [number, number, number], a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

const BoundaryCanvas = memo(function BoundaryCanvas({
  data,
  probe,
}: {
  data: TrainDataInfo;
  probe: TrainRunProbe | null;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !data.points) return;
    const size = canvas.width;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    const b = probe?.boundary;
    // bounds: the probe's grid, or the points' extent before the first probe
    let [x0, x1, y0, y1] = b?.bounds ?? [Infinity, -Infinity, Infinity, -Infinity];
    if (!b) {
      const all = [...data.points.train.x, ...data.points.test.x];
      for (let i = 0; i < all.length; i += 2) {
        x0 = Math.min(x0, all[i]);
        x1 = Math.max(x1, all[i]);
        y0 = Math.min(y0, all[i + 1]);
        y1 = Math.max(y1, all[i + 1]);
      }
    }
    const sx = (x: number) => ((x - x0) / (x1 - x0)) * size;
    const sy = (y: number) => ((y1 - y) / (y1 - y0)) * size;
    if (b) {
      const img = ctx.createImageData(b.nx, b.ny);
      for (let i = 0; i < b.nx * b.ny; i++) {
        // blend the class colours by probability, over white, stronger where the model is sure
        let r = 0;
        let g = 0;
        let bl = 0;
        let top = 0;
        for (let c = 0; c < b.classes; c++) {
          const p = b.probs[i * b.classes + c];
          const col = CLASS_COLORS[c % CLASS_COLORS.length];
          r += p * col[0];
          g += p * col[1];
          bl += p * col[2];
          top = Math.max(top, p);
        }
        const strength = 0.15 + 0.45 * ((top - 1 / b.classes) / (1 - 1 / b.classes));
        img.data[i * 4] = 255 + (r - 255) * strength;
        img.data[i * 4 + 1] = 255 + (g - 255) * strength;
        img.data[i * 4 + 2] = 255 + (bl - 255) * strength;
        img.data[i * 4 + 3] = 255;
      }
      const off = document.createElement('canvas');
      off.width = b.nx;
      off.height = b.ny;
      off.getContext('2d')!.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, size, size);
    }
    const draw = (pts: { x: number[]; y: number[] }, test: boolean) => {
      for (let i = 0; i < pts.y.length; i++) {
        const col = CLASS_COLORS[pts.y[i] % CLASS_COLORS.length];
        ctx.beginPath();
        ctx.arc(sx(pts.x[2 * i]), sy(pts.x[2 * i + 1]), test ? 3.2 : 2.6, 0, Math.PI * 2);
        if (test) {
          ctx.fillStyle = '#fff';
          ctx.fill();
          ctx.lineWidth = 1.6;
          ctx.strokeStyle = rgb(col);
          ctx.stroke();
        } else {
          ctx.fillStyle = rgb(col, 0.85);
          ctx.fill();
        }
      }
    };
    draw(data.points.train, false);
    draw(data.points.test, true);
  }, [data, probe]);
  return (
    <canvas
      ref={ref}
      width={360}
      height={360}
      className="boundary"
      data-testid="boundary-canvas"
      aria-label="decision boundary with the training (filled) and test (hollow) points"
    />
  );
});

const CurveCanvas = memo(function CurveCanvas({ data, probe }: { data: TrainDataInfo; probe: TrainRunProbe | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !data.points) return;
    const w = canvas.width;
    const h = canvas.height;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const xs = [...data.points.train.x, ...data.points.test.x];
    // the data sets the scale; a wild curve is clipped rather than squashing the points
    const ys = [...data.points.train.y, ...data.points.test.y];
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const pad = 0.15 * (Math.max(...ys) - Math.min(...ys) || 1);
    const [y0, y1] = [Math.min(...ys) - pad, Math.max(...ys) + pad];
    const sx = (x: number) => 20 + ((x - x0) / (x1 - x0 || 1)) * (w - 40);
    const sy = (y: number) => h - 20 - ((y - y0) / (y1 - y0 || 1)) * (h - 40);
    for (const [pts, test] of [
      [data.points.train, false],
      [data.points.test, true],
    ] as const) {
      ctx.fillStyle = test ? '#ea580c' : '#2563eb';
      pts.y.forEach((y, i) => ctx.fillRect(sx(pts.x[i]) - 2, sy(y) - 2, 4, 4));
    }
    if (probe?.curve) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, w, h);
      ctx.clip();
      ctx.strokeStyle = '#0f172a';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      probe.curve.xs.forEach((x, i) =>
        i === 0 ? ctx.moveTo(sx(x), sy(probe.curve!.ys[i])) : ctx.lineTo(sx(x), sy(probe.curve!.ys[i])),
      );
      ctx.stroke();
      ctx.restore();
    }
  }, [data, probe]);
  return (
    <canvas
      ref={ref}
      width={420}
      height={300}
      className="boundary"
      data-testid="curve-canvas"
      aria-label="the data (train blue, test orange) and the fitted curve"
    />
  );
});

function Digit({ pixels, width, height }: { pixels: number[]; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current!.getContext('2d')!;
    const img = ctx.createImageData(width, height);
    pixels.forEach((v, i) => {
      img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = 255 - v;
      img.data[i * 4 + 3] = 255;
    });
    ctx.putImageData(img, 0, 0);
  }, [pixels, width, height]);
  return <canvas ref={ref} width={width} height={height} className="digit" />;
}

const Samples = memo(function Samples({ data, probe }: { data: TrainDataInfo; probe: TrainRunProbe | null }) {
  const names = data.classNames ?? Array.from({ length: data.classes }, (_, i) => String(i));
  if (!data.images) return null;
  return (
    <div className="samples" data-testid="sample-grid">
      {data.images.pixels.map((px, i) => {
        const predicted = probe?.samples?.predicted[i];
        const ok = predicted === data.images!.labels[i];
        return (
          <figure key={i} className={predicted === undefined ? '' : ok ? 'right' : 'wrong'} data-testid="sample">
            <Digit pixels={px} width={data.images!.width} height={data.images!.height} />
            <figcaption className="small">
              {predicted === undefined
                ? '…'
                : `${names[predicted]} ${Math.round(100 * probe!.samples!.confidence[i])}%`}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
});

const Confusion = memo(function Confusion({ data, probe }: { data: TrainDataInfo; probe: TrainRunProbe | null }) {
  const m = probe?.confusion;
  if (!m) return null;
  const names = data.classNames ?? m.map((_, i) => String(i));
  const total = m.flat().reduce((a, b) => a + b, 0);
  const correct = m.reduce((a, row, i) => a + row[i], 0);
  return (
    <figure className="confusion" data-testid="confusion-matrix">
      <figcaption>
        confusion matrix, test set (rows: true, columns: predicted) · {correct}/{total} ={' '}
        {((100 * correct) / total).toFixed(1)}%
      </figcaption>
      <table>
        <thead>
          <tr>
            <th />
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.map((row, i) => {
            const sum = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row">{names[i]}</th>
                {row.map((v, j) => (
                  <td
                    key={j}
                    style={{
                      background:
                        i === j
                          ? `rgba(22,163,74,${(0.8 * v) / sum})`
                          : `rgba(220,38,38,${Math.min(0.8, (2 * v) / sum)})`,
                    }}
                    title={`true ${names[i]}, predicted ${names[j]}: ${v}`}
                  >
                    {v}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
});

const Histograms = memo(function Histograms({ probe }: { probe: TrainRunProbe | null }) {
  if (!probe) return null;
  return (
    <div className="histograms" data-testid="weight-histograms">
      {probe.histograms.map((h) => {
        const width = (h.max - h.min) / h.counts.length;
        const rows = h.counts.map((c, i) => ({ x: h.min + (i + 0.5) * width, c }));
        return (
          <figure key={h.layer}>
            <figcaption className="small">
              layer {h.layer + 1} weights [{h.min.toPrecision(2)}, {h.max.toPrecision(2)}]
            </figcaption>
            <ResponsiveContainer width="100%" height={90}>
              <BarChart data={rows} margin={{ top: 2, right: 4, bottom: 0, left: 0 }} barCategoryGap={0}>
                <XAxis dataKey="x" hide />
                <YAxis hide />
                <Tooltip formatter={(v) => [v, 'weights']} labelFormatter={(l) => `≈ ${Number(l).toPrecision(3)}`} />
                <Bar dataKey="c" fill="#64748b" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
});

function focusedOf(history: TrainRecord[], focus: { record: number; run: number } | null) {
  const record = history.find((r) => r.id === focus?.record) ?? history[history.length - 1];
  if (!record) return null;
  const run = record.runs[record.id === focus?.record ? focus.run : 0];
  return { record, run, index: record.id === focus?.record ? focus.run : 0 };
}

export function LearnedViews() {
  const history = useThrottledStore(selectTrainRecords, 250);
  const focus = useAppStore((s) => s.focus);
  const f = focusedOf(history, focus);
  if (!f || !f.record.data) return null;
  const { record, run } = f;
  const data = record.data!;
  const probe = run.probe;
  return (
    <section className="data-views" aria-label="what the model learned">
      <header>
        <h3>What it learned</h3>
        <label className="small">
          show{' '}
          <select
            data-testid="focus-select"
            value={`${record.id}:${f.index}`}
            onChange={(e) => {
              const [rec, r] = e.target.value.split(':').map(Number);
              useAppStore.getState().focusSet({ record: rec, run: r });
            }}
          >
            {history.flatMap((h) =>
              h.runs.map((r, i) => (
                <option key={`${h.id}:${i}`} value={`${h.id}:${i}`}>
                  #{h.id} {r.label}
                </option>
              )),
            )}
          </select>
        </label>
        <span className="muted small" data-testid="probe-at">
          {probe ? `after step ${probe.step} (epoch ${probe.epoch})` : 'waiting for the first snapshot…'}
        </span>
      </header>
      {run.status === 'diverged' ? (
        <p role="status" className="field-error" data-testid="views-diverged">
          This run diverged at step {run.divergedAt} (its loss became NaN or infinite), so its weights mean nothing;
          pick another run above, or lower its learning rate.
        </p>
      ) : (
        <>
          <div className="views-row">
            {data.points && data.features === 2 && data.task === 'classification' && (
              <figure>
                <figcaption>decision boundary (shade: the model's confidence) · filled: train, hollow: test</figcaption>
                <BoundaryCanvas data={data} probe={probe} />
              </figure>
            )}
            {data.points && data.features === 1 && (
              <figure>
                <figcaption>data and fitted curve</figcaption>
                <CurveCanvas data={data} probe={probe} />
              </figure>
            )}
            {data.images && (
              <figure>
                <figcaption>test digits: prediction and confidence (red: wrong)</figcaption>
                <Samples data={data} probe={probe} />
              </figure>
            )}
            {data.task === 'classification' && <Confusion data={data} probe={probe} />}
            {!data.points && !data.images && data.task === 'classification' && (
              <p className="muted small">
                The decision boundary is drawn for 2-D data; {data.name} has {data.features} features.
              </p>
            )}
          </div>
          <h4>Weight histograms</h4>
          <Histograms probe={probe} />
        </>
      )}
    </section>
  );
}
