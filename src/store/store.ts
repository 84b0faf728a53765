/** One store from typed slices (zustand). Selectors live at module level, next to the store. */
import { create } from 'zustand';
import type { CompressRecord } from '../labs/compress';
import type { FinderRecord, SearchRecord, StudyRecord } from '../labs/search';
import type { TrainRecord } from '../labs/train';
import { createBackendSlice, type BackendSlice } from './backendSlice';
import { createJobSlice, type JobSlice } from './jobSlice';
import { createLibrarySlice, type LibrarySlice } from './librarySlice';
import { createRaceSlice, type RaceSlice } from './raceSlice';
import { createSpecSlice, type SpecSlice } from './specSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';

export type AppState = BackendSlice & SpecSlice & JobSlice & RaceSlice & ViewSlice & LibrarySlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createBackendSlice(...a),
  ...createSpecSlice(...a),
  ...createJobSlice(...a),
  ...createRaceSlice(...a),
  ...createViewSlice(...a),
  ...createLibrarySlice(...a),
}));

export const selectSurfaceSpec = (s: AppState) => s.specs.surface;
export const selectTrainSpec = (s: AppState) => s.specs.train;
export const selectSearchSpec = (s: AppState) => s.specs.search;
export const selectCompressSpec = (s: AppState) => s.specs.compress;
export const selectBackend = (s: AppState) => s.backend;

// each record kind's list, typed
export const selectTrainRecords = (s: AppState) => s.jobs.train as TrainRecord[];
export const selectSearchRecords = (s: AppState) => s.jobs.search as SearchRecord[];
export const selectFinderRecords = (s: AppState) => s.jobs.finder as FinderRecord[];
export const selectStudyRecords = (s: AppState) => s.jobs.study as StudyRecord[];
export const selectCompressRecords = (s: AppState) => s.jobs.compress as CompressRecord[];

/** The record of `key` the views show: the one picked, else the newest. */
function shown<R extends { id: number }>(list: R[], id: number | null): R | null {
  return (id !== null ? list.find((r) => r.id === id) : undefined) ?? list[list.length - 1] ?? null;
}
export const selectTrainLatest = (s: AppState) =>
  (s.jobs.train[s.jobs.train.length - 1] as TrainRecord | undefined) ?? null;
export const selectSearchShown = (s: AppState) => shown(selectSearchRecords(s), s.jobShown.search);
export const selectFinderShown = (s: AppState) => shown(selectFinderRecords(s), s.jobShown.finder);
export const selectStudyShown = (s: AppState) => shown(selectStudyRecords(s), s.jobShown.study);
export const selectCompressShown = (s: AppState) => shown(selectCompressRecords(s), s.jobShown.compress);
