/**
 * What the labs' views show beside the records: the training lab's CSV file (kept on the page, never
 * in a link), which records are drawn, the pinned baseline, the run whose probes feed the views, and
 * the search trial looked at.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store';

export interface CsvFile {
  name: string;
  /** the file itself: the engine reads it for each job (in its worker), the page never holds its text */
  blob: Blob;
  header: string[];
  /** data rows (before parsing problems are found) */
  rows: number;
}

export interface ViewSlice {
  csvFile: CsvFile | null;
  /** training records not drawn on the charts (ids); a new record is drawn */
  hidden: number[];
  baseline: number | null;
  /** the record and run whose probes feed the views (null: the newest record's first run) */
  focus: { record: number; run: number } | null;
  /** the search trial whose curves are shown */
  trialSelected: number | null;
  csvFileSet(file: CsvFile | null): void;
  overlayToggle(id: number): void;
  baselineSet(id: number | null): void;
  focusSet(focus: { record: number; run: number } | null): void;
  trialSelect(id: number | null): void;
}

export const createViewSlice: StateCreator<AppState, [], [], ViewSlice> = (set) => ({
  csvFile: null,
  hidden: [],
  baseline: null,
  focus: null,
  trialSelected: null,
  csvFileSet: (csvFile) => set({ csvFile }),
  overlayToggle: (id) =>
    set((s) => ({ hidden: s.hidden.includes(id) ? s.hidden.filter((o) => o !== id) : [...s.hidden, id] })),
  baselineSet: (baseline) => set({ baseline }),
  focusSet: (focus) => set({ focus }),
  trialSelect: (trialSelected) => set({ trialSelected }),
});
