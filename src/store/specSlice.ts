/**
 * The experiments being edited, one per lab, and which lab is open: what the address holds. Every
 * edit goes through `specEdit`, which validates: the spec in the store is always complete and valid,
 * and an invalid edit keeps the previous one and says why. A locked surface link changes nothing.
 */
import type { StateCreator } from 'zustand';
import { specParse, type ExperimentSpec, type SpecError } from '../engine/spec/schema';
import { LABS, type LabId } from '../labs';
import type { AppState } from './store';

/** Each lab's spec type. */
export type LabSpecs = { [L in LabId]: (typeof LABS)[L]['defaults'] };

export interface SpecSlice {
  lab: LabId;
  specs: LabSpecs;
  /** why the link in the address could not be used, if it could not */
  linkErrors: SpecError[] | null;
  labSet(lab: LabId): void;
  specReplace<L extends LabId>(lab: L, spec: LabSpecs[L]): void;
  /** an edit of a lab's spec; returns the errors (and keeps the previous spec) when it is not valid */
  specEdit<L extends LabId>(lab: L, fn: (spec: LabSpecs[L]) => unknown): SpecError[] | null;
  linkErrorsSet(errors: SpecError[] | null): void;
  /** a link whose job would take long: shown with its estimate, started only by Run */
  linkHeld: LinkHeld | null;
  linkHeldSet(held: LinkHeld | null): void;
}

export interface LinkHeld {
  lab: LabId;
  /** what the job does ("trains 8 models of 1.9 M parameters") and how long it should take here */
  what: string;
  seconds: number;
  backend: string;
}

/** Parsed as `lab`'s kind, or the errors. */
function parsedAs<L extends LabId>(lab: L, doc: unknown): { spec: LabSpecs[L] } | { errors: SpecError[] } {
  const r = specParse(doc);
  if (!r.ok) return { errors: r.errors };
  if (r.spec.kind !== LABS[lab].kind)
    return { errors: [{ path: 'kind', message: `not a ${LABS[lab].kind} experiment` }] };
  return { spec: r.spec as LabSpecs[L] };
}

export const createSpecSlice: StateCreator<AppState, [], [], SpecSlice> = (set, get) => ({
  lab: 'surface',
  specs: Object.fromEntries(Object.values(LABS).map((l) => [l.id, l.defaults])) as LabSpecs,
  linkErrors: null,
  labSet: (lab) => set({ lab }),
  specReplace: (lab, spec) => set((s) => ({ specs: { ...s.specs, [lab]: spec } })),
  specEdit: (lab, fn) => {
    const before = get().specs[lab] as ExperimentSpec;
    if (before.kind === 'surface' && before.view.lock) return null;
    const r = parsedAs(lab, fn(get().specs[lab]));
    if ('errors' in r) return r.errors;
    get().specReplace(lab, r.spec);
    return null;
  },
  linkErrorsSet: (linkErrors) => set({ linkErrors }),
  linkHeld: null,
  linkHeldSet: (linkHeld) => set({ linkHeld }),
});
