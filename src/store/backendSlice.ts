import type { StateCreator } from 'zustand';
import type { BackendReport } from '../engine/backend';
import type { AppState } from './store';

export interface BackendSlice {
  backend: BackendReport | null;
  /** a problem with the ?backend= parameter, shown to the user */
  backendNotice: string | null;
  backendSet(report: BackendReport, notice: string | null): void;
}

export const createBackendSlice: StateCreator<AppState, [], [], BackendSlice> = (set) => ({
  backend: null,
  backendNotice: null,
  backendSet: (report, notice) => set({ backend: report, backendNotice: notice }),
});
