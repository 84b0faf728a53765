/** `optiplay run` for a `search` spec: the tool named by view.tool (search, study or finder). */
import { batchStudyRun } from '../engine/search/batchStudy';
import { lrFinderRun } from '../engine/search/lrFinder';
import { searchRun, type SearchResult } from '../engine/search/runSearch';
import type { SearchSpec } from '../engine/spec/searchSchema';
import type { CliHandler } from './io';

const fmt = (v: number | null) => (v === null ? 'none' : v.toPrecision(4));

/** The trials table: one row per trial, one column per searched parameter. */
export function cliTrialsCsv(spec: SearchSpec, result: SearchResult): string {
  const params = spec.space.map((p) => p.param);
  const rows = [['trial', ...params, 'status', 'epochs', spec.objective, 'bracket', 'rung'].join(',')];
  for (const t of result.trials)
    rows.push(
      [t.id, ...params.map((p) => t.params[p]), t.status, t.epochs, t.value ?? '', t.bracket ?? '', t.rung ?? ''].join(
        ',',
      ),
    );
  return `${rows.join('\n')}\n`;
}

export const cli: CliHandler<SearchSpec> = async (spec, io, { csv, csvText, allowLarge }) => {
  const budget = { spec, allowLarge };
  const load = (path: string) => io.readAsset(path);
  if (spec.view.tool === 'finder') {
    const r = await lrFinderRun(spec.base, spec.finder, load, { csvText, budget });
    io.stderr(
      `lr range test (${r.optimizer}): ${r.points.length} steps, stopped: ${r.stop}; steepest descent at lr ${fmt(r.suggestion?.steepestLr ?? null)}, minimum/10 ${fmt(r.suggestion?.minimumLr ?? null)}\n`,
    );
    return csv
      ? `lr,loss,smoothed\n${r.points.map((p) => `${p.lr},${p.loss},${p.smoothed}`).join('\n')}\n`
      : `${JSON.stringify(r)}\n`;
  }
  if (spec.view.tool === 'study') {
    const r = await batchStudyRun(spec.base, spec.study, load, {
      csvText,
      budget,
      onRun: (run) => {
        const e = run.epochs[run.epochs.length - 1];
        io.stderr(
          `batch ${run.batchSize} (lr ${run.lr.toPrecision(3)}): ${run.status}; test loss ${e ? fmt(e.testLoss) : 'none'} after ${run.epochs.length} epochs, ${(run.epochMs[run.epochMs.length - 1] / 1000).toFixed(2)} s\n`,
        );
      },
    });
    for (const s of r.skipped) io.stderr(`batch ${s.batchSize} skipped: ${s.reason}\n`);
    return csv
      ? `batchSize,lr,epoch,step,samples,ms,trainLoss,testLoss\n${r.runs.flatMap((run) => run.epochs.map((e, i) => [run.batchSize, run.lr, e.epoch, e.step, e.step * run.batchSize, run.epochMs[i], e.trainLoss, e.testLoss].join(','))).join('\n')}\n`
      : `${JSON.stringify(r)}\n`;
  }
  const result = await searchRun(spec, load, {
    csvText,
    budget,
    onTrials: (changed) => {
      for (const t of changed.filter(
        (x) => x.done > 0 && x.status !== 'queued' && x.status !== 'running' && !x.pruned,
      )) {
        const params = spec.space.map((p) => `${p.param}=${t.params[p.param].toPrecision(4)}`).join(' ');
        io.stderr(
          `trial ${t.id}: ${params} → ${t.status}${t.value !== null ? ` ${spec.objective} ${fmt(t.value)}` : ''} (${t.epochs} epochs)${t.message ? `: ${t.message}` : ''}\n`,
        );
      }
    },
  });
  if (result.best !== null)
    io.stderr(`best: trial ${result.best}, ${spec.objective} ${fmt(result.trials[result.best].value)}\n`);
  if (csv) return cliTrialsCsv(spec, result);
  const trials = result.trials.map((t) => ({
    id: t.id,
    params: t.params,
    status: t.status,
    epochs: t.epochs,
    value: t.value,
    ...(t.message ? { message: t.message } : {}),
    ...(t.bracket !== undefined ? { bracket: t.bracket, rung: t.rung } : {}),
  }));
  return `${JSON.stringify({ ...result, trials }, null, 1)}\n`;
};
