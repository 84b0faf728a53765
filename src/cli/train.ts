/** `optiplay run` for a `train` spec: each epoch's metrics on stderr as it goes, the result (JSON or per-epoch CSV) on stdout. */
import type { TrainSpec } from '../engine/spec/trainSchema';
import { trainSpecRun, type TrainSpecResult } from '../engine/training/runTrainSpec';
import { csvCell } from '../engine/data/csv';
import type { CliHandler } from './io';

export function cliTrainCsv(result: TrainSpecResult, labels: string[]): string {
  const rows = ['run,label,epoch,step,trainLoss,testLoss,trainAccuracy,testAccuracy,status'];
  result.runs.forEach((run, i) => {
    const label = csvCell(labels[i]);
    for (const e of run.epochs)
      rows.push(
        [
          i,
          label,
          e.epoch,
          e.step,
          e.trainLoss,
          e.testLoss,
          e.trainAccuracy ?? '',
          e.testAccuracy ?? '',
          run.status,
        ].join(','),
      );
  });
  return `${rows.join('\n')}\n`;
}

const pct = (v: number | null) => (v === null ? '' : ` ${(100 * v).toFixed(1)}%`);

export const cli: CliHandler<TrainSpec> = async (spec, io, { csv, csvText, allowLarge }) => {
  const budget = { spec, allowLarge };
  const labels = spec.runs.map((r, i) => r.label ?? `${i + 1} (${r.optimizer.name}, lr ${r.optimizer.lr})`);
  const result = await trainSpecRun(spec, (path) => io.readAsset(path), {
    csvText,
    budget,
    onData: (info) => {
      for (const p of info.csvProblems?.slice(0, 20) ?? []) io.stderr(`skipped line ${p.line}: ${p.message}\n`);
      if ((info.csvProblems?.length ?? 0) > 20)
        io.stderr(`… and ${info.csvProblems!.length - 20} more lines skipped\n`);
    },
    onEpoch: (run, m) => {
      const e = m.epochs[m.epochs.length - 1];
      io.stderr(
        `run ${labels[run]}: epoch ${e.epoch}/${spec.training.epochs}  train loss ${e.trainLoss.toPrecision(4)}${pct(e.trainAccuracy)}  test loss ${e.testLoss.toPrecision(4)}${pct(e.testAccuracy)}\n`,
      );
    },
  });
  result.runs.forEach((m, i) => {
    const e = m.epochs[m.epochs.length - 1];
    const how =
      m.status === 'diverged'
        ? `diverged at step ${m.divergedAt}`
        : m.status === 'early-stopped'
          ? `stopped early after epoch ${m.stoppedAfter}`
          : 'done';
    io.stderr(
      `final ${labels[i]}: ${how}${e ? `; test loss ${e.testLoss.toPrecision(4)}${pct(e.testAccuracy)}` : ''}\n`,
    );
  });
  return csv ? cliTrainCsv(result, labels) : `${JSON.stringify(result)}\n`;
};
