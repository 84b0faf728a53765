import { OPTIMIZERS } from '../../engine/optimizers/registry';
import type { SurfaceRunSpec } from '../../engine/spec/schema';

/** "Adam (lr 0.05)", the run's own label, or "Run 2" when a teacher hid the names. */
export function runLabel(run: SurfaceRunSpec | undefined, index: number, hideNames = false): string {
  if (!run || hideNames) return `Run ${index + 1}`;
  if (run.label) return run.label;
  const momentum = Number(run.optimizer.momentum ?? 0) > 0 ? `, μ ${run.optimizer.momentum}` : '';
  return `${OPTIMIZERS[run.optimizer.name].label} (lr ${run.optimizer.lr}${momentum})`;
}

/** Whether the run's step carries something over from earlier steps (a velocity or first moment). */
export function runHasMomentum(run: SurfaceRunSpec | undefined): boolean {
  if (!run) return false;
  const o = run.optimizer;
  if (o.name === 'sgd' || o.name === 'rmsprop') return Number(o.momentum) > 0;
  if (o.name === 'adagrad' || o.name === 'adadelta') return false;
  return Number(o.beta1) > 0;
}
