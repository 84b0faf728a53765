/**
 * The compression lab's views of one finished study: accuracy against sparsity or bits, per-layer
 * sparsity and error, the mask as an image, the weight histogram with the quantization grid, sizes,
 * the students' curves and the teacher's soft targets, and the transfer strategies on one chart.
 */
import { useEffect, useRef, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CompressResult, QuantHistogram } from '../../engine/compress/runCompress';
import type { Metrics } from '../../engine/compress/stage';
import { TRANSFER_STRATEGIES } from '../../engine/spec/compressSchema';
import {
  bytesLabel,
  distillCurves,
  histogramBars,
  lastAccuracy,
  pct,
  pruneCurve,
  quantCurve,
  quantLayerErrors,
  softTargetRows,
  STRATEGY_COLORS,
  STRATEGY_LABELS,
  transferCurves,
  transferTable,
} from './compressViewData';
import { logTicks } from '../charts/ticks';

type Result<M extends CompressResult['method']> = Extract<CompressResult, { method: M }>;
const BITS_COLORS: Record<number, string> = { 8: '#16a34a', 4: '#d97706', 2: '#dc2626' };
const margin = { top: 8, right: 16, bottom: 18, left: 4 };
const axisTick = { fontSize: 11 };
const fmtPct = (v: unknown) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(2)} %`);
/** A model's test accuracy, or that its training diverged (a number would mean nothing). */
const accLabel = (m: Metrics | null | undefined) => (m?.diverged ? 'diverged' : fmtPct(pct(m?.testAccuracy)));

function Figure(props: {
  testId: string;
  caption: React.ReactNode;
  children: React.ReactNode;
  options?: React.ReactNode;
}) {
  return (
    <figure data-testid={props.testId}>
      <figcaption>
        <span>{props.caption}</span>
        {props.options && <span className="chart-options">{props.options}</span>}
      </figcaption>
      {props.children}
    </figure>
  );
}

/** Accuracy axis from a little under the lowest value to 100 (or the highest). */
function accDomain(values: (number | null)[]): [number, number] {
  const v = values.filter((x): x is number => x !== null);
  if (!v.length) return [0, 100];
  const lo = Math.max(0, Math.floor((Math.min(...v) - 2) / 5) * 5);
  const hi = Math.min(100, Math.ceil((Math.max(...v) + 1) / 5) * 5);
  return [lo, hi];
}

/** A layer's mask as an image: kept weights dark, pruned white. A first layer on 28×28 images is
 * drawn as one 28×28 tile per unit (which pixels each unit still looks at). */
function MaskImage({ mask, shape }: { mask: Uint8Array; shape: number[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const out = shape[shape.length - 1];
  const rows = mask.length / out;
  const tiles = rows === 784;
  const cols = tiles ? Math.ceil(Math.sqrt(out)) : out;
  const w = tiles ? cols * 29 : cols;
  const h = tiles ? Math.ceil(out / cols) * 29 : rows;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    img.data.fill(255);
    for (let i = 0; i < mask.length; i++) {
      const r = Math.floor(i / out);
      const u = i % out;
      const [x, y] = tiles ? [(u % cols) * 29 + (r % 28), Math.floor(u / cols) * 29 + Math.floor(r / 28)] : [u, r];
      const p = (y * w + x) * 4;
      const v = mask[i] ? 30 : 245;
      img.data[p] = v;
      img.data[p + 1] = v;
      img.data[p + 2] = mask[i] ? 90 : 245;
    }
    ctx.putImageData(img, 0, 0);
  }, [mask, out, cols, w, h, tiles]);
  const scale = Math.max(1, Math.min(6, 560 / Math.max(w, h)));
  return (
    <canvas
      ref={ref}
      width={w}
      height={h}
      style={{ width: w * scale, maxWidth: '100%', imageRendering: 'pixelated', border: '1px solid #e2e8f0' }}
      data-testid="mask-canvas"
    />
  );
}

function PruneViews({ r }: { r: Extract<Result<'pruning'>, { schedule: 'oneShot' | 'gradual' }> }) {
  const [row, setRow] = useState(
    Math.min(
      r.rows.length - 1,
      Math.max(
        0,
        r.rows.findIndex((x) => x.sparsity >= 0.9),
      ),
    ),
  );
  const [layer, setLayer] = useState(0);
  const data = pruneCurve(r);
  const sel = r.rows[row] ?? r.rows[0];
  const tuned = r.schedule === 'gradual' ? 'gradual pruning' : 'after fine-tuning';
  return (
    <div className="compress-views">
      <div className="search-grid">
        <Figure testId="prune-accuracy" caption={<>Test accuracy against sparsity: one-shot, and {tuned}</>}>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={data} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="sparsity"
                type="number"
                domain={[0, 100]}
                tick={axisTick}
                unit=" %"
                label={{ value: 'weights removed', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis
                domain={accDomain(data.flatMap((d) => [d.oneShot, d.fineTuned]))}
                tick={axisTick}
                width={44}
                unit="%"
              />
              <Tooltip formatter={fmtPct} labelFormatter={(v) => `${v} % sparse`} />
              <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} />
              <ReferenceLine
                y={pct(r.dense.testAccuracy) ?? undefined}
                stroke="#94a3b8"
                strokeDasharray="4 3"
                label={{ value: 'dense', fontSize: 10, fill: '#64748b', position: 'insideBottomLeft' }}
              />
              <Line
                dataKey="oneShot"
                name="one-shot"
                stroke="#dc2626"
                strokeWidth={2}
                isAnimationActive={false}
                connectNulls
              />
              <Line
                dataKey="fineTuned"
                name={tuned}
                stroke="#16a34a"
                strokeWidth={2}
                isAnimationActive={false}
                connectNulls
              />
            </LineChart>
          </ResponsiveContainer>
        </Figure>
        <Figure testId="prune-layers" caption={<>Sparsity per layer at {Math.round(sel.sparsity * 100)} %</>}>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart
              data={r.layers.map((l, i) => ({
                layer: `${l.name} (${l.shape.join('×')})`,
                sparsity: Math.round(sel.layerSparsity[i] * 1000) / 10,
              }))}
              margin={margin}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="layer" tick={axisTick} />
              <YAxis domain={[0, 100]} tick={axisTick} width={44} unit="%" />
              <Tooltip formatter={(v) => `${v} % pruned`} />
              <Bar dataKey="sparsity" fill="#2563eb" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Figure>
      </div>
      <div className="trials-table">
        <table data-testid="prune-table">
          <thead>
            <tr>
              <th>sparsity</th>
              <th>one-shot</th>
              <th>{tuned}</th>
              <th>weights left</th>
              <th>size (sparse: value + index)</th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="prune-row-dense" data-finetuned={pct(r.dense.testAccuracy) ?? ''}>
              <td>dense</td>
              <td>{accLabel(r.dense)}</td>
              <td>—</td>
              <td>{r.paramCount.toLocaleString('en')}</td>
              <td>{bytesLabel(r.denseBytes)}</td>
            </tr>
            {r.rows.map((x, i) => (
              <tr
                key={x.sparsity}
                className={i === row ? 'selected' : ''}
                onClick={() => setRow(i)}
                data-testid={`prune-row-${Math.round(x.sparsity * 100)}`}
                data-oneshot={pct(x.oneShot.testAccuracy) ?? ''}
                data-finetuned={pct(x.fineTuned?.testAccuracy) ?? ''}
              >
                <td>{Math.round(x.sparsity * 1000) / 10} %</td>
                <td>{accLabel(x.oneShot)}</td>
                <td>{accLabel(x.fineTuned)}</td>
                <td>{x.nonzero.toLocaleString('en')}</td>
                <td>
                  {bytesLabel(x.sparseBytes)} ({Math.round((100 * x.sparseBytes) / r.denseBytes)} %)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Figure
        testId="prune-mask"
        caption={
          <>
            Mask of layer {r.layers[layer]?.name} at {Math.round(sel.sparsity * 100)} % (
            {Math.round(sel.layerSparsity[layer] * 1000) / 10} % of this layer pruned): dark = kept
            {r.layers[layer]?.shape[0] === 784 ? '; one 28×28 tile per hidden unit, the pixels it still reads' : ''}
          </>
        }
        options={
          <select aria-label="mask layer" value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
            {r.layers.map((l, i) => (
              <option key={l.name} value={i}>
                {l.name} ({l.shape.join('×')})
              </option>
            ))}
          </select>
        }
      >
        <MaskImage mask={sel.masks[layer]} shape={r.layers[layer].shape} />
      </Figure>
    </div>
  );
}

function LotteryViews({ r }: { r: Extract<Result<'pruning'>, { schedule: 'lottery' }> }) {
  const data = r.rounds.map((x) => ({
    sparsity: Math.round(x.sparsity * 1000) / 10,
    rewound: pct(x.rewound.testAccuracy),
    random: pct(x.random.testAccuracy),
  }));
  return (
    <div className="compress-views">
      <Figure
        testId="lottery-accuracy"
        caption="Iterative magnitude pruning: the rewound ticket against the same mask from a new random initialisation"
      >
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={data} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="sparsity"
              type="number"
              domain={[0, 100]}
              tick={axisTick}
              unit=" %"
              label={{ value: 'weights removed', position: 'insideBottom', offset: -8, fontSize: 11 }}
            />
            <YAxis
              domain={accDomain([...data.flatMap((d) => [d.rewound, d.random]), pct(r.dense.testAccuracy)])}
              tick={axisTick}
              width={44}
              unit="%"
            />
            <Tooltip formatter={fmtPct} labelFormatter={(v) => `${v} % sparse`} />
            <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} />
            <ReferenceLine
              y={pct(r.dense.testAccuracy) ?? undefined}
              stroke="#94a3b8"
              strokeDasharray="4 3"
              label={{ value: 'dense', fontSize: 10, fill: '#64748b', position: 'insideBottomLeft' }}
            />
            <Line
              dataKey="rewound"
              name="winning ticket (rewound)"
              stroke="#16a34a"
              strokeWidth={2}
              isAnimationActive={false}
            />
            <Line
              dataKey="random"
              name="random re-initialisation"
              stroke="#64748b"
              strokeWidth={2}
              strokeDasharray="5 3"
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </Figure>
      <div className="trials-table">
        <table data-testid="lottery-table">
          <thead>
            <tr>
              <th>round</th>
              <th>sparsity</th>
              <th>rewound</th>
              <th>random init</th>
            </tr>
          </thead>
          <tbody>
            {r.rounds.map((x) => (
              <tr
                key={x.round}
                data-rewound={pct(x.rewound.testAccuracy) ?? ''}
                data-random={pct(x.random.testAccuracy) ?? ''}
              >
                <td>{x.round}</td>
                <td>{(x.sparsity * 100).toFixed(1)} %</td>
                <td>{accLabel(x.rewound)}</td>
                <td>{accLabel(x.random)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The weights' histogram (bars) with the representable values of one bit width drawn over it. */
function QuantHistogramCanvas({ h, bits }: { h: QuantHistogram; bits: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const W = 640;
  const H = 200;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    const bars = histogramBars(h);
    const max = Math.max(...h.counts, 1);
    const pad = 6;
    const grid = h.grids.find((g) => g.bits === bits);
    // the axis spans the weights and every level they round to (a clamped end level may lie outside)
    const lo = Math.min(h.lo, ...(grid?.levels ?? []));
    const hi = Math.max(h.hi, ...(grid?.levels ?? []));
    const x = (v: number) => pad + ((v - lo) / (hi - lo || 1)) * (W - 2 * pad);
    ctx.fillStyle = '#93c5fd';
    for (const b of bars) {
      const bh = (b.count / max) * (H - 24);
      ctx.fillRect(x(b.x0), H - 14 - bh, Math.max(1, x(b.x1) - x(b.x0) - 1), bh);
    }
    if (grid) {
      ctx.strokeStyle = BITS_COLORS[bits] ?? '#111';
      ctx.globalAlpha = grid.levels.length > 64 ? 0.35 : 0.9;
      ctx.lineWidth = 1;
      for (const v of grid.levels) {
        ctx.beginPath();
        ctx.moveTo(x(v) + 0.5, 4);
        ctx.lineTo(x(v) + 0.5, H - 14);
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    }
    ctx.fillStyle = '#475569';
    ctx.font = '11px sans-serif';
    ctx.fillText(lo.toFixed(3), pad, H - 2);
    const hiLabel = hi.toFixed(3);
    ctx.fillText(hiLabel, W - pad - ctx.measureText(hiLabel).width, H - 2);
    ctx.fillText('0', x(0) - 3, H - 2);
  }, [h, bits]);
  return (
    <canvas
      ref={ref}
      width={W}
      height={H}
      style={{ width: '100%', maxWidth: W }}
      data-testid="quant-histogram-canvas"
    />
  );
}

function QuantViews({ r }: { r: Result<'quantization'> }) {
  const [layer, setLayer] = useState(0);
  const [bits, setBits] = useState(r.study.rows[r.study.rows.length - 1]?.bits ?? 8);
  const data = quantCurve(r);
  const h = r.histograms[layer];
  const grid = h?.grids.find((g) => g.bits === bits);
  const errors = r.study.rows.flatMap((x) => x.layerError).filter((e) => e > 0);
  const errDomain: [number, number] = errors.length
    ? [10 ** Math.floor(Math.log10(Math.min(...errors))), 10 ** Math.ceil(Math.log10(Math.max(...errors)))]
    : [1e-6, 1];
  return (
    <div className="compress-views">
      <div className="search-grid">
        <Figure
          testId="quant-accuracy"
          caption="Test accuracy against weight bits: post-training quantization and quantization-aware training"
        >
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={data} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="bits"
                tick={axisTick}
                label={{ value: 'bits per weight', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis domain={accDomain(data.flatMap((d) => [d.ptq, d.qat]))} tick={axisTick} width={44} unit="%" />
              <Tooltip formatter={fmtPct} />
              <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} />
              <Line dataKey="ptq" name="PTQ" stroke="#dc2626" strokeWidth={2} isAnimationActive={false} />
              {r.study.rows.some((x) => x.qat) && (
                <Line dataKey="qat" name="QAT" stroke="#16a34a" strokeWidth={2} isAnimationActive={false} />
              )}
            </LineChart>
          </ResponsiveContainer>
        </Figure>
        <Figure
          testId="quant-size"
          caption="Model size (weights at b bits, biases float32, scale and zero point per tensor or channel)"
        >
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={data.map((d) => ({ ...d, kib: Math.round(d.bytes / 102.4) / 10 }))} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="bits" tick={axisTick} />
              <YAxis tick={axisTick} width={70} unit=" KiB" />
              <Tooltip formatter={(v) => `${v} KiB`} />
              <Bar dataKey="kib" fill="#2563eb" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </Figure>
      </div>
      <div className="trials-table">
        <table data-testid="quant-table">
          <thead>
            <tr>
              <th>bits</th>
              <th>PTQ</th>
              <th>QAT</th>
              <th>size</th>
              {r.layers.map((l) => (
                <th key={l.name}>{l.name} error</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr data-testid="quant-row-32" data-ptq={pct(r.study.float.testAccuracy) ?? ''}>
              <td>32 (float)</td>
              <td>{accLabel(r.study.float)}</td>
              <td>—</td>
              <td>{bytesLabel(r.study.floatBytes)}</td>
              {r.layers.map((l) => (
                <td key={l.name}>0</td>
              ))}
            </tr>
            {r.study.rows.map((x) => (
              <tr
                key={x.bits}
                data-testid={`quant-row-${x.bits}`}
                data-ptq={pct(x.ptq.testAccuracy) ?? ''}
                data-qat={pct(x.qat?.testAccuracy) ?? ''}
              >
                <td>{x.bits}</td>
                <td>{accLabel(x.ptq)}</td>
                <td>{accLabel(x.qat)}</td>
                <td>
                  {bytesLabel(x.sizeBytes)} ({(r.study.floatBytes / x.sizeBytes).toFixed(1)}× smaller)
                </td>
                {x.layerError.map((e, i) => (
                  <td key={i}>{e.toExponential(2)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="search-grid">
        {h && (
          <Figure
            testId="quant-histogram"
            caption={
              <>
                Weights of {r.layers[layer].name} with the {bits}-bit grid ({grid?.levels.length ?? 0} levels in range,
                scale {grid?.scale.toPrecision(3)}, zero point {grid?.zeroPoint})
                {h.channel !== null ? `; per channel: the grid of unit ${h.channel}, the widest` : ''}
              </>
            }
            options={
              <>
                <select aria-label="histogram layer" value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
                  {r.layers.map((l, i) => (
                    <option key={l.name} value={i}>
                      {l.name}
                    </option>
                  ))}
                </select>
                <select
                  aria-label="grid bits"
                  data-testid="quant-grid-bits"
                  value={bits}
                  onChange={(e) => setBits(Number(e.target.value))}
                >
                  {h.grids.map((g) => (
                    <option key={g.bits} value={g.bits}>
                      {g.bits} bits
                    </option>
                  ))}
                </select>
              </>
            }
          >
            <QuantHistogramCanvas h={h} bits={bits} />
          </Figure>
        )}
        <Figure testId="quant-layer-error" caption="Quantization error per layer: ‖w − ŵ‖² / ‖w‖² (log axis)">
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={quantLayerErrors(r)} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="layer" tick={axisTick} />
              <YAxis
                scale="log"
                domain={errDomain}
                ticks={logTicks(errDomain[0], errDomain[1])}
                allowDataOverflow
                tick={axisTick}
                width={52}
                tickFormatter={(v: number) => v.toExponential(0)}
              />
              <Tooltip formatter={(v) => Number(v).toExponential(2)} />
              <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
              {r.study.rows.map((x) => (
                <Bar
                  key={x.bits}
                  dataKey={`b${x.bits}`}
                  name={`${x.bits} bits`}
                  fill={BITS_COLORS[x.bits]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </Figure>
      </div>
    </div>
  );
}

const TEMP_COLORS = ['#1e3a8a', '#2563eb', '#0891b2', '#16a34a', '#ca8a04', '#dc2626'];

function DistillViews({ r, classNames }: { r: Result<'distillation'>; classNames: (c: number) => string }) {
  const curves = distillCurves(r);
  const teacher = pct(r.study.teacher.testAccuracy);
  const scratch = lastAccuracy(r.study.scratch);
  const distilled = lastAccuracy(r.study.distilled);
  return (
    <div className="compress-views">
      <p
        className="small"
        data-testid="distill-summary"
        data-teacher={teacher ?? ''}
        data-scratch={scratch ?? ''}
        data-distilled={distilled ?? ''}
      >
        Teacher ({r.paramCount.toLocaleString('en')} parameters): <strong>{accLabel(r.study.teacher)}</strong>. Student
        ({r.studentParams.toLocaleString('en')} parameters, {(r.paramCount / r.studentParams).toFixed(1)}× smaller),
        same epochs and initial weights
        {r.study.studentRows < r.study.teacherRows
          ? `, trained on ${r.study.studentRows.toLocaleString('en')} of the teacher's ${r.study.teacherRows.toLocaleString('en')} rows`
          : ''}
        : from scratch <strong>{r.study.diverged?.scratch ? 'diverged' : fmtPct(scratch)}</strong>, distilled{' '}
        <strong>{r.study.diverged?.distilled ? 'diverged' : fmtPct(distilled)}</strong>
        {scratch !== null && distilled !== null
          ? ` (${distilled >= scratch ? '+' : ''}${(distilled - scratch).toFixed(2)} points)`
          : ''}
        .
      </p>
      <div className="search-grid">
        <Figure testId="distill-curves" caption="Student test accuracy per epoch">
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={curves} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="epoch"
                tick={axisTick}
                label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11 }}
              />
              <YAxis
                domain={accDomain([...curves.flatMap((d) => [d.scratch, d.distilled]), teacher])}
                tick={axisTick}
                width={44}
                unit="%"
              />
              <Tooltip formatter={fmtPct} labelFormatter={(v) => `epoch ${v}`} />
              <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} />
              <ReferenceLine
                y={teacher ?? undefined}
                stroke="#94a3b8"
                strokeDasharray="4 3"
                label={{ value: 'teacher', fontSize: 10, fill: '#64748b', position: 'insideBottomLeft' }}
              />
              <Line
                dataKey="scratch"
                name="student from scratch"
                stroke="#64748b"
                strokeWidth={2}
                isAnimationActive={false}
              />
              <Line
                dataKey="distilled"
                name="distilled student"
                stroke="#16a34a"
                strokeWidth={2}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </Figure>
        <Figure
          testId="distill-soft"
          caption={
            <>
              The teacher’s soft targets for test example #{r.study.sample.index} (a {classNames(r.study.sample.label)})
              at each temperature
            </>
          }
        >
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={softTargetRows(r, classNames)} margin={margin}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="cls" tick={axisTick} />
              <YAxis domain={[0, 1]} tick={axisTick} width={36} />
              <Tooltip formatter={(v) => Number(v).toFixed(4)} />
              <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
              {r.study.softTargets.map((s, i) => (
                <Bar
                  key={s.T}
                  dataKey={`T${s.T}`}
                  name={`T = ${s.T}`}
                  fill={TEMP_COLORS[i % TEMP_COLORS.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </Figure>
      </div>
    </div>
  );
}

function TransferViews({ r }: { r: Result<'transfer'> }) {
  const table = transferTable(r);
  const [labels, setLabels] = useState(table[0]?.labels ?? 0);
  const curves = transferCurves(r, labels);
  const draws = Math.max(1, ...table.map((t) => t.draws));
  return (
    <div className="compress-views">
      <p className="small">
        Pretrained on classes {r.sourceClasses.join(', ')} (test accuracy {accLabel(r.source)}); adapted to classes{' '}
        {r.targetClasses.join(', ')} ({r.dataset.test} test rows) with few labels. The head is new in every strategy.
        {draws > 1
          ? ` Every strategy adapted on the same ${draws} draws of labelled samples; curves and table show the mean, ± the spread (sd) over the draws.`
          : ''}
      </p>
      <Figure
        testId="transfer-curves"
        caption={
          <>
            Target test accuracy per epoch, four strategies, {labels} labelled samples
            {draws > 1 ? `, mean of ${draws} draws` : ''}
          </>
        }
        options={
          <select
            aria-label="labelled samples"
            data-testid="transfer-labels"
            value={labels}
            onChange={(e) => setLabels(Number(e.target.value))}
          >
            {table.map((t) => (
              <option key={t.labels} value={t.labels}>
                {t.labels} labels
              </option>
            ))}
          </select>
        }
      >
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={curves} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="epoch"
              tick={axisTick}
              label={{ value: 'epoch', position: 'insideBottom', offset: -8, fontSize: 11 }}
            />
            <YAxis
              domain={accDomain(curves.flatMap((d) => TRANSFER_STRATEGIES.map((s) => d[s] ?? null)))}
              tick={axisTick}
              width={44}
              unit="%"
            />
            <Tooltip formatter={fmtPct} labelFormatter={(v) => `epoch ${v}`} />
            <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
            {TRANSFER_STRATEGIES.map((s) => (
              <Line
                key={s}
                dataKey={s}
                name={STRATEGY_LABELS[s]}
                stroke={STRATEGY_COLORS[s]}
                strokeWidth={2}
                strokeDasharray={s === 'scratch' ? '5 3' : undefined}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </Figure>
      <div className="trials-table">
        <table data-testid="transfer-table">
          <thead>
            <tr>
              <th>labels</th>
              {TRANSFER_STRATEGIES.map((s) => (
                <th key={s}>{STRATEGY_LABELS[s]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.map((t) => (
              <tr
                key={t.labels}
                data-testid={`transfer-row-${t.labels}`}
                {...Object.fromEntries(TRANSFER_STRATEGIES.map((s) => [`data-${s.toLowerCase()}`, t.acc[s] ?? '']))}
              >
                <td>{t.labels}</td>
                {TRANSFER_STRATEGIES.map((s) => {
                  const best = Math.max(...TRANSFER_STRATEGIES.map((x) => t.acc[x] ?? -1));
                  const sd = t.sd[s];
                  return (
                    <td
                      key={s}
                      style={t.acc[s] === best ? { fontWeight: 700 } : undefined}
                      title={t.draws > 1 ? `each draw: ${(t.finals[s] ?? []).map(fmtPct).join(', ')}` : undefined}
                    >
                      {fmtPct(t.acc[s])}
                      {sd !== null && sd !== undefined ? <span className="muted"> ± {sd.toFixed(1)}</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function CompressViews({ result, classNames }: { result: CompressResult; classNames: (c: number) => string }) {
  if (result.method === 'pruning')
    return result.schedule === 'lottery' ? <LotteryViews r={result} /> : <PruneViews r={result} />;
  if (result.method === 'quantization') return <QuantViews r={result} />;
  if (result.method === 'distillation') return <DistillViews r={result} classNames={classNames} />;
  return <TransferViews r={result} />;
}
