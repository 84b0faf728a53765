/** Exports of a training record: metrics as CSV and JSON, trained weights as JSON (plain text builders). */
import { csvCell } from '../../engine/data/csv';
import type { TrainRecord } from '../../labs/train';

const quote = csvCell;
/** an empty cell for a value not measured (null, or NaN: the diagnostics between their steps) */
const cell = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '' : String(v));

/** One row per step (batch loss/accuracy, lr, gradient norm, update ratios) and per epoch (train/test). */
export function recordMetricsCsv(record: TrainRecord): string {
  const layers = record.runs[0]?.updateRatio[0]?.length ?? 0;
  const header = [
    'run',
    'label',
    'kind',
    'step',
    'epoch',
    'loss',
    'accuracy',
    'lr',
    'gradNorm',
    ...Array.from({ length: layers }, (_, l) => `updateRatio${l}`),
    'trainLoss',
    'testLoss',
    'trainAccuracy',
    'testAccuracy',
  ];
  const rows = [header.join(',')];
  record.runs.forEach((run, i) => {
    run.stepLoss.forEach((loss, t) => {
      rows.push(
        [
          i,
          quote(run.label),
          'step',
          t + 1,
          '',
          loss,
          cell(run.stepAccuracy[t]),
          cell(run.lr[t]),
          cell(run.gradNorm[t]),
          ...(run.updateRatio[t] ?? []).map(cell),
          '',
          '',
          '',
          '',
        ].join(','),
      );
    });
    for (const e of run.epochs) {
      rows.push(
        [
          i,
          quote(run.label),
          'epoch',
          e.step,
          e.epoch,
          '',
          '',
          '',
          '',
          ...new Array(layers).fill(''),
          e.trainLoss,
          e.testLoss,
          cell(e.trainAccuracy),
          cell(e.testAccuracy),
        ].join(','),
      );
    }
  });
  return `${rows.join('\n')}\n`;
}

export function recordMetricsJson(record: TrainRecord): string {
  return JSON.stringify(
    {
      title: record.title,
      spec: record.spec,
      dataset: record.data && { name: record.data.name, train: record.data.train, test: record.data.test },
      status: record.status,
      wallMs: record.wallMs,
      runs: record.runs.map((r) => ({
        label: r.label,
        status: r.status,
        divergedAt: r.divergedAt,
        stoppedAfter: r.stoppedAfter,
        stepLoss: r.stepLoss,
        stepAccuracy: r.stepAccuracy,
        lr: r.lr,
        gradNorm: r.gradNorm,
        updateRatio: r.updateRatio,
        epochs: r.epochs,
        seeds: r.seeds.map((s) => ({ stepLoss: s.stepLoss, epochs: s.epochs })),
      })),
    },
    null,
    1,
  );
}

/** Trained parameters of each run: names, shapes ([in, out] or [kh, kw, in, out]) and values, row-major. */
export function recordWeightsJson(record: TrainRecord): string | null {
  if (!record.weights) return null;
  return JSON.stringify({
    title: record.title,
    model: record.spec.model,
    spec: record.spec,
    runs: record.weights.map((params, i) => ({ label: record.runs[i]?.label, parameters: params })),
  });
}

/** Offers text as a file download. */
export function downloadText(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type }));
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Renders a chart's SVG (recharts) onto a white canvas at 2× and offers it as a PNG. */
export async function svgToPng(svg: SVGSVGElement, title: string): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const text = new XMLSerializer().serializeToString(clone);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const scale = 2;
  const pad = 28;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = (height + pad) * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height + pad);
  ctx.fillStyle = '#0f172a';
  ctx.font = '600 13px system-ui, sans-serif';
  ctx.fillText(title, 8, 18);
  ctx.drawImage(img, 0, pad, width, height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be drawn'))), 'image/png'),
  );
}
