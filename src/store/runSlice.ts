import type { StateCreator } from 'zustand';
import type { SurfaceResult } from '../engine/surface/runSurface';
import type { AppState } from './store';

export interface RunSlice {
  runState: 'idle' | 'running' | 'done' | 'failed';
  result: SurfaceResult | null;
  runError: string | null;
  /** steps computed so far in the current run */
  progress: number;
  runStarted(): void;
  runProgress(steps: number): void;
  runFinished(result: SurfaceResult): void;
  runFailed(message: string): void;
}

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = (set) => ({
  runState: 'idle',
  result: null,
  runError: null,
  progress: 0,
  runStarted: () => set({ runState: 'running', runError: null, progress: 0 }),
  runProgress: (steps) => set({ progress: steps }),
  runFinished: (result) => set({ runState: 'done', result }),
  runFailed: (message) => set({ runState: 'failed', runError: message }),
});
