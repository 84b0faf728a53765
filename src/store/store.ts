/** One store from typed slices (zustand). Selectors live at module level, next to the store. */
import { create } from 'zustand';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createCompressSlice, type CompressSlice } from './compressSlice';
import { createExperimentSlice, type ExperimentSlice } from './experimentSlice';
import { createRaceSlice, type RaceSlice } from './raceSlice';
import { createSearchSlice, type SearchSlice } from './searchSlice';
import { createTrainSlice, type TrainSlice } from './trainSlice';

export type AppState = BackendSlice & ExperimentSlice & RaceSlice & TrainSlice & SearchSlice & CompressSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createExperimentSlice(...a),
  ...createRaceSlice(...a),
  ...createTrainSlice(...a),
  ...createSearchSlice(...a),
  ...createCompressSlice(...a),
}));

export const selectSpec = (s: AppState) => s.spec;
export const selectView = (s: AppState) => s.spec.view;
export const selectBackend = (s: AppState) => s.backend;
export const selectRace = (s: AppState) => s.race;
export const selectPlaying = (s: AppState) => s.playing;
