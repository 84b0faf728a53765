/** `optiplay run` for a `surface` spec: every run's path; a diverged run is said on stderr. */
import type { SurfaceSpec } from '../engine/spec/schema';
import type { SurfaceResult } from '../engine/surface/runSurface';
import { surfaceRun } from '../engine/surface/runSurface';
import { csvCell } from '../engine/data/csv';
import type { CliHandler } from './io';

export function cliSurfaceCsv(result: SurfaceResult, labels: string[]): string {
  const rows = ['run,label,step,x,y,loss,lr,status'];
  result.runs.forEach((run, i) => {
    run.path.forEach(([x, y], step) => {
      const lr = run.lr[step] ?? '';
      const label = csvCell(labels[i]);
      rows.push([i, label, step, x, y, run.loss[step] ?? '', lr, run.status].join(','));
    });
  });
  return `${rows.join('\n')}\n`;
}

export const cli: CliHandler<SurfaceSpec> = async (spec, io, { csv }) => {
  const result = await surfaceRun(spec);
  const labels = spec.runs.map((r, i) => r.label ?? `${i + 1}: ${r.optimizer.name}`);
  for (const [i, run] of result.runs.entries()) {
    if (run.status === 'diverged') io.stderr(`run ${labels[i]} diverged: ${run.reason}\n`);
  }
  return csv ? cliSurfaceCsv(result, labels) : `${JSON.stringify(result)}\n`;
};
