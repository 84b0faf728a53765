/** What the page knows of the experiment library (store/library.ts keeps it in step with IndexedDB). */
import type { StateCreator } from 'zustand';
import type { LibraryEntry, LibraryMeta } from '../library/library';
import type { AppState } from './store';

export interface LibraryState {
  /** false where the browser offers no IndexedDB (a private window of some browsers): results then live only in memory */
  available: boolean;
  /** why it is not, or the last thing that went wrong (a full quota) */
  error: string | null;
  entries: LibraryMeta[];
  usage: { used: number; quota: number } | null;
  /** the entry just deleted, for Undo */
  undo: LibraryEntry | null;
  /** the last import's report */
  imported: { added: number; skipped: { name: string; reason: string }[] } | null;
  open: boolean;
}

export interface LibrarySlice {
  library: LibraryState;
  librarySet(patch: Partial<LibraryState>): void;
}

export const createLibrarySlice: StateCreator<AppState, [], [], LibrarySlice> = (set) => ({
  library: { available: true, error: null, entries: [], usage: null, undo: null, imported: null, open: false },
  librarySet: (patch) => set((s) => ({ library: { ...s.library, ...patch } })),
});
