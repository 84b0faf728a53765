/** An optimizer's hyperparameters and its schedule (with warmup), from the registries; shared by the labs. */
import { OPTIMIZERS, type OptimizerSetting } from '../../engine/optimizers/registry';
import { SCHEDULES, SCHEDULE_NAMES, WARMUP_META, type ScheduleName } from '../../engine/schedules/registry';
import { BooleanControl, ListControl, NumberControl } from './HyperControl';

export interface OptimizerFieldsProps {
  /** prefixes the test ids and element ids: `run-0` → `run-0-lr` */
  idPrefix: string;
  optimizer: OptimizerSetting;
  schedule: { name: ScheduleName; warmupSteps: number } & Record<string, unknown>;
  onHyper(key: string, value: number | boolean): void;
  onSchedule(name: ScheduleName): void;
  onScheduleParam(key: string, value: number | number[]): void;
}

export function OptimizerFields(props: OptimizerFieldsProps) {
  const { optimizer, schedule, idPrefix } = props;
  const meta = OPTIMIZERS[optimizer.name];
  const problem = meta.check?.(optimizer);
  return (
    <>
      {meta.hyper.map((h) =>
        h.kind === 'boolean' ? (
          <BooleanControl
            key={h.key}
            label={h.label}
            description={h.description}
            value={Boolean(optimizer[h.key])}
            onChange={(v) => props.onHyper(h.key, v)}
          />
        ) : (
          <NumberControl
            key={h.key}
            meta={h}
            value={Number(optimizer[h.key])}
            onChange={(v) => props.onHyper(h.key, v)}
            testId={`${idPrefix}-${h.key}`}
          />
        ),
      )}
      {problem && (
        <p role="alert" className="field-error">
          {problem.message}
        </p>
      )}
      <div className="control">
        <label htmlFor={`${idPrefix}-sched`}>schedule</label>
        <select
          id={`${idPrefix}-sched`}
          className="wide"
          value={schedule.name}
          onChange={(e) => props.onSchedule(e.target.value as ScheduleName)}
        >
          {SCHEDULE_NAMES.map((n) => (
            <option key={n} value={n}>
              {SCHEDULES[n].label}
            </option>
          ))}
        </select>
      </div>
      {SCHEDULES[schedule.name].params.map((p) =>
        p.list ? (
          <ListControl
            key={p.key}
            label={p.label}
            description={p.description}
            value={schedule[p.key] as number[]}
            onChange={(v) => props.onScheduleParam(p.key, v)}
          />
        ) : (
          <NumberControl
            key={p.key}
            meta={p}
            value={Number(schedule[p.key])}
            onChange={(v) => props.onScheduleParam(p.key, v)}
          />
        ),
      )}
      <NumberControl
        meta={WARMUP_META}
        value={schedule.warmupSteps}
        onChange={(v) => props.onScheduleParam('warmupSteps', v)}
      />
    </>
  );
}
