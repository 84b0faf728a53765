/** A slider plus a number field for one registry parameter; log-scaled where the registry says so. */
import { useId } from 'react';

export interface NumberControlMeta {
  key: string;
  label: string;
  description: string;
  min: number;
  max: number;
  scale: 'log' | 'linear';
  integer?: boolean;
}

const SLIDER_STEPS = 1000;

/** A number control's settings in one call: key, label, description, range, scale and whether whole. */
export const numberMeta = (
  key: string,
  label: string,
  description: string,
  min: number,
  max: number,
  scale: 'log' | 'linear' = 'linear',
  integer = false,
): NumberControlMeta => ({ key, label, description, min, max, scale, integer });

function toSlider(meta: NumberControlMeta, value: number): number {
  if (meta.scale === 'log') {
    const lo = Math.log10(meta.min);
    const hi = Math.log10(meta.max);
    return Math.round(((Math.log10(Math.max(value, meta.min)) - lo) / (hi - lo)) * SLIDER_STEPS);
  }
  return Math.round(((value - meta.min) / (meta.max - meta.min)) * SLIDER_STEPS);
}

function fromSlider(meta: NumberControlMeta, pos: number): number {
  const f = pos / SLIDER_STEPS;
  const raw =
    meta.scale === 'log'
      ? 10 ** (Math.log10(meta.min) + f * (Math.log10(meta.max) - Math.log10(meta.min)))
      : meta.min + f * (meta.max - meta.min);
  if (meta.integer) return Math.round(raw);
  return Number(raw.toPrecision(3));
}

export function NumberControl(props: {
  meta: NumberControlMeta;
  value: number;
  onChange(value: number): void;
  testId?: string;
}) {
  const { meta, value, onChange } = props;
  const id = useId();
  const outOfRange = !(value >= meta.min && value <= meta.max);
  return (
    <div className="control" title={meta.description}>
      <label htmlFor={id}>{meta.label}</label>
      <input
        type="range"
        aria-label={`${meta.label} slider`}
        min={0}
        max={SLIDER_STEPS}
        value={toSlider(meta, value)}
        onChange={(e) => onChange(fromSlider(meta, Number(e.target.value)))}
      />
      <input
        id={id}
        type="number"
        data-testid={props.testId}
        className={outOfRange ? 'invalid' : undefined}
        min={meta.min}
        max={meta.max}
        step="any"
        defaultValue={value}
        key={value}
        onBlur={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= meta.min && v <= meta.max) onChange(meta.integer ? Math.round(v) : v);
          else e.target.value = String(value);
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
    </div>
  );
}

export function BooleanControl(props: {
  label: string;
  description: string;
  value: boolean;
  onChange(value: boolean): void;
}) {
  const id = useId();
  return (
    <div className="control control-bool" title={props.description}>
      <input id={id} type="checkbox" checked={props.value} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

/** A comma-separated list of whole numbers (multiStep milestones). */
export function ListControl(props: {
  label: string;
  description: string;
  value: number[];
  onChange(value: number[]): void;
}) {
  const id = useId();
  return (
    <div className="control" title={props.description}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        className="wide"
        defaultValue={props.value.join(', ')}
        key={props.value.join(',')}
        onBlur={(e) => {
          const parts = e.target.value
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean)
            .map(Number);
          if (parts.length > 0 && parts.every((n) => Number.isInteger(n) && n >= 0)) props.onChange(parts);
          else e.target.value = props.value.join(', ');
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
    </div>
  );
}

/** A number that may be switched off (null): a checkbox, and the number while it is on. */
export function Optional(props: {
  label: string;
  value: number | null;
  meta: NumberControlMeta;
  fallback: number;
  onChange(v: number | null): void;
  testId: string;
}) {
  const id = useId();
  return (
    <div className="optional">
      <div className="control control-bool">
        <input
          id={id}
          type="checkbox"
          data-testid={`${props.testId}-on`}
          checked={props.value !== null}
          onChange={(e) => props.onChange(e.target.checked ? props.fallback : null)}
        />
        <label htmlFor={id}>{props.label}</label>
      </div>
      {props.value !== null && (
        <NumberControl meta={props.meta} value={props.value} onChange={props.onChange} testId={props.testId} />
      )}
    </div>
  );
}
