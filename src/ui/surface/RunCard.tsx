/** One run of the race: optimizer, its hyperparameters (from the registry), schedule and noise. */
import { OPTIMIZERS, OPTIMIZER_NAMES, type OptimizerName } from '../../engine/optimizers/registry';
import { SCHEDULES, SCHEDULE_NAMES, WARMUP_META, type ScheduleName } from '../../engine/schedules/registry';
import type { SurfaceRunSpec } from '../../engine/spec/schema';
import { useAppStore } from '../../store/store';
import { BooleanControl, ListControl, NumberControl } from '../controls/HyperControl';

const NOISE_META = { key: 'noise', label: 'gradient noise σ', description: 'seeded Gaussian noise added to each gradient component', min: 0, max: 10, scale: 'linear' as const };

export function RunCard({ index, run, canRemove }: { index: number; run: SurfaceRunSpec; canRemove: boolean }) {
  const a = useAppStore.getState();
  const meta = OPTIMIZERS[run.optimizer.name];
  const problem = meta.check?.(run.optimizer);
  return (
    <section className="run-card" style={{ borderLeftColor: run.color ?? '#64748b' }} aria-label={`run ${index + 1}`} data-testid={`run-card-${index}`}>
      <header>
        <select
          aria-label={`run ${index + 1} optimizer`}
          value={run.optimizer.name}
          onChange={(e) => a.runOptimizerSet(index, e.target.value as OptimizerName)}
        >
          {OPTIMIZER_NAMES.map((n) => (
            <option key={n} value={n}>{OPTIMIZERS[n].label}</option>
          ))}
        </select>
        <span className="muted">{meta.description}</span>
        {canRemove && (
          <button type="button" className="icon" aria-label={`remove run ${index + 1}`} onClick={() => a.runRemove(index)}>×</button>
        )}
      </header>
      <div className="controls">
        {meta.hyper.map((h) =>
          h.kind === 'boolean' ? (
            <BooleanControl key={h.key} label={h.label} description={h.description} value={Boolean(run.optimizer[h.key])} onChange={(v) => a.runHyperSet(index, h.key, v)} />
          ) : (
            <NumberControl key={h.key} meta={h} value={Number(run.optimizer[h.key])} onChange={(v) => a.runHyperSet(index, h.key, v)} testId={`run-${index}-${h.key}`} />
          ),
        )}
        {problem && <p role="alert" className="field-error">{problem.message}</p>}
        <div className="control">
          <label htmlFor={`sched-${index}`}>schedule</label>
          <select id={`sched-${index}`} value={run.schedule.name} onChange={(e) => a.runScheduleSet(index, e.target.value as ScheduleName)}>
            {SCHEDULE_NAMES.map((n) => (
              <option key={n} value={n}>{SCHEDULES[n].label}</option>
            ))}
          </select>
        </div>
        {SCHEDULES[run.schedule.name].params.map((p) =>
          p.list ? (
            <ListControl key={p.key} label={p.label} description={p.description} value={run.schedule[p.key] as number[]} onChange={(v) => a.runScheduleParamSet(index, p.key, v)} />
          ) : (
            <NumberControl key={p.key} meta={p} value={Number(run.schedule[p.key])} onChange={(v) => a.runScheduleParamSet(index, p.key, v)} />
          ),
        )}
        <NumberControl meta={WARMUP_META} value={run.schedule.warmupSteps} onChange={(v) => a.runScheduleParamSet(index, 'warmupSteps', v)} />
        <NumberControl meta={NOISE_META} value={run.noise} onChange={(v) => a.runNoiseSet(index, v)} />
      </div>
    </section>
  );
}
