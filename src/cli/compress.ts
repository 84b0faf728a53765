/** `optiplay run` for a `compress` spec: runs the method's study and prints its table. */
import { transferScores, type TransferScore } from '../engine/compress/transferScores';
import { compressRun, type CompressResult } from '../engine/compress/runCompress';
import type { Metrics } from '../engine/compress/stage';
import type { CompressSpec } from '../engine/spec/compressSchema';
import type { CliHandler } from './io';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '' : (100 * v).toFixed(2);
/** A model's accuracy in percent, or "diverged" where its training did (no number would be honest). */
const cell = (m: Metrics | null | undefined) => (m?.diverged ? 'diverged' : pct(m?.testAccuracy));

/** The study as rows: one per sparsity, bit width, round, strategy and label count, or student. */
export function cliCompressCsv(r: CompressResult): string {
  const rows: (string | number)[][] = [];
  if (r.method === 'pruning' && r.schedule === 'lottery') {
    rows.push(['round', 'sparsity', 'rewoundAccuracy', 'randomInitAccuracy']);
    for (const x of r.rounds) rows.push([x.round, x.sparsity, cell(x.rewound), cell(x.random)]);
  } else if (r.method === 'pruning') {
    rows.push([
      'sparsity',
      'oneShotAccuracy',
      r.schedule === 'gradual' ? 'gradualAccuracy' : 'fineTunedAccuracy',
      'nonzero',
      'sparseBytes',
      ...r.layers.map((l) => `${l.name}Sparsity`),
    ]);
    rows.push([0, cell(r.dense), cell(r.dense), r.paramCount, r.denseBytes, ...r.layers.map(() => 0)]);
    for (const x of r.rows)
      rows.push([x.sparsity, cell(x.oneShot), cell(x.fineTuned), x.nonzero, x.sparseBytes, ...x.layerSparsity]);
  } else if (r.method === 'quantization') {
    rows.push(['bits', 'ptqAccuracy', 'qatAccuracy', 'bytes', ...r.layers.map((l) => `${l.name}Error`)]);
    rows.push([32, cell(r.study.float), '', r.study.floatBytes, ...r.layers.map(() => 0)]);
    for (const x of r.study.rows) rows.push([x.bits, cell(x.ptq), cell(x.qat), x.sizeBytes, ...x.layerError]);
  } else if (r.method === 'distillation') {
    rows.push(['model', 'epoch', 'testAccuracy', 'testLoss']);
    rows.push(['teacher', '', cell(r.study.teacher), r.study.teacher.testLoss]);
    for (const [name, epochs] of [
      ['scratch', r.study.scratch],
      ['distilled', r.study.distilled],
    ] as const)
      for (const e of epochs) rows.push([name, e.epoch, cell(e), e.testLoss]);
  } else {
    rows.push(['labels', 'strategy', 'draw', 'epoch', 'testAccuracy', 'testLoss']);
    for (const x of r.runs)
      for (const e of x.epochs) rows.push([x.labels, x.strategy, x.draw + 1, e.epoch, cell(e), e.testLoss]);
  }
  return `${rows.map((row) => row.join(',')).join('\n')}\n`;
}

/** The study's headline on stderr, as a user would say it. */
function summary(r: CompressResult): string {
  const acc = (m: Metrics | null | undefined) => (m?.diverged ? 'diverged' : `${pct(m?.testAccuracy)} %`);
  const accOf = (v: number | null | undefined, diverged?: boolean) => (diverged ? 'diverged' : `${pct(v)} %`);
  if (r.method === 'pruning' && r.schedule === 'lottery') {
    return `dense ${acc(r.dense)}; ${r.rounds.map((x) => `${(100 * x.sparsity).toFixed(1)} % pruned: rewound ${acc(x.rewound)}, random init ${acc(x.random)}`).join('; ')}`;
  }
  if (r.method === 'pruning') {
    return `dense ${acc(r.dense)}; ${r.rows.map((x) => `${Math.round(100 * x.sparsity)} %: one-shot ${acc(x.oneShot)}${x.fineTuned ? `, ${r.schedule === 'gradual' ? 'gradual' : 'fine-tuned'} ${acc(x.fineTuned)}` : ''}`).join('; ')}`;
  }
  if (r.method === 'quantization') {
    return `float ${acc(r.study.float)} (${r.study.floatBytes} B); ${r.study.rows.map((x) => `${x.bits} bits: PTQ ${acc(x.ptq)}${x.qat ? `, QAT ${acc(x.qat)}` : ''} (${x.sizeBytes} B)`).join('; ')}`;
  }
  if (r.method === 'distillation') {
    const last = (e: { testAccuracy: number | null }[]) => e[e.length - 1]?.testAccuracy;
    return `teacher ${acc(r.study.teacher)} (${r.paramCount} parameters, ${r.study.teacherRows} rows); student (${r.studentParams} parameters, ${r.study.studentRows} rows) from scratch ${accOf(last(r.study.scratch), r.study.diverged?.scratch)}, distilled ${accOf(last(r.study.distilled), r.study.diverged?.distilled)}`;
  }
  const spread = (x: TransferScore) =>
    x.sd !== null ? ` ± ${(100 * x.sd).toFixed(1)} (${x.finals.map((f) => pct(f)).join(', ')})` : '';
  return `source ${acc(r.source)}; ${transferScores(r.runs)
    .map((x) => `${x.labels} labels ${x.strategy} ${accOf(x.mean)}${spread(x)}`)
    .join('; ')}`;
}

export const cli: CliHandler<CompressSpec> = async (spec, io, { csv, csvText, allowLarge }) => {
  const budget = { spec, allowLarge };
  let last = '';
  const r = await compressRun(spec, (path) => io.readAsset(path), {
    csvText,
    budget,
    onProgress: (p) => {
      if (p.label !== last) io.stderr(`[${p.stage + 1}/${p.stages}] ${p.label}\n`);
      last = p.label;
    },
  });
  io.stderr(`${summary(r)}\n`);
  if (csv) return cliCompressCsv(r);
  // masks are for the mask image: the JSON keeps their sparsity, not 1 byte per weight
  const out =
    r.method === 'pruning' && r.schedule !== 'lottery'
      ? { ...r, rows: r.rows.map((row) => ({ ...row, masks: undefined })) }
      : r;
  return `${JSON.stringify(out)}\n`;
};
