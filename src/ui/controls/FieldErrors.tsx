/** A lab's validated edits and the messages they leave next to the control that made them. */
import { useState } from 'react';
import { specErrorsFormat } from '../../engine/spec/schema';
import type { LabSpecs } from '../../store/specSlice';
import { useAppStore } from '../../store/store';
import type { LabId } from '../../labs';

export function FieldErrors({ errors, testId }: { errors: string[] | null; testId: string }) {
  if (!errors) return null;
  return (
    <p role="alert" className="field-error" data-testid={testId}>
      {errors.join('; ')}
    </p>
  );
}

/** Applies an edit of `lab`'s spec; returns the messages to show when the spec refuses it. */
export function useLabEdit<L extends LabId>(lab: L): [string[] | null, (fn: (spec: LabSpecs[L]) => unknown) => void] {
  const [errors, setErrors] = useState<string[] | null>(null);
  return [
    errors,
    (fn) => {
      const e = useAppStore.getState().specEdit(lab, fn);
      setErrors(e ? specErrorsFormat(e) : null);
    },
  ];
}
