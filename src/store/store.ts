/** One store from typed slices (zustand). Selectors live at module level, next to the store. */
import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createExperimentSlice, type ExperimentSlice } from './experimentSlice';
import { createRunSlice, type RunSlice } from './runSlice';

export type AppState = BackendSlice & ExperimentSlice & RunSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createExperimentSlice(...a),
  ...createRunSlice(...a),
}));

export const selectSpec = (s: AppState) => s.spec;
export const selectBackend = (s: AppState) => s.backend;
export const selectResult = (s: AppState) => s.result;
