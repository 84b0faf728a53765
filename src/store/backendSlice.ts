import type { StateCreator } from 'zustand';
import type { BackendReport } from '../engine/backendInfo';
import type { AppState } from './store';

export interface BackendSlice {
  backend: BackendReport | null;
  /** a problem with the ?backend= parameter, shown to the user */
  backendNotice: string | null;
  /** where the engine runs, and why not in a worker when it is not */
  engineThread: 'worker' | 'main' | null;
  engineThreadReason: string | null;
  backendSet(
    report: BackendReport,
    notice: string | null,
    thread: 'worker' | 'main',
    threadReason: string | null,
  ): void;
}

export const createBackendSlice: StateCreator<AppState, [], [], BackendSlice> = (set) => ({
  backend: null,
  backendNotice: null,
  engineThread: null,
  engineThreadReason: null,
  backendSet: (report, notice, thread, threadReason) =>
    set({ backend: report, backendNotice: notice, engineThread: thread, engineThreadReason: threadReason }),
});
