import { OPTIMIZERS } from '../../engine/optimizers/registry';
import type { SurfaceRunSpec } from '../../engine/spec/schema';

/** "Adam (lr 0.05)" or the run's own label. */
export function runLabel(run: SurfaceRunSpec | undefined, index: number): string {
  if (!run) return `run ${index + 1}`;
  if (run.label) return run.label;
  const momentum = Number(run.optimizer.momentum ?? 0) > 0 ? `, μ ${run.optimizer.momentum}` : '';
  return `${OPTIMIZERS[run.optimizer.name].label} (lr ${run.optimizer.lr}${momentum})`;
}
