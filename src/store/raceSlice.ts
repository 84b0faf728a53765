/** The race: each run's computed values (growing chunk by chunk), its ghost, and the playheads. */
import type { StateCreator } from 'zustand';
import type { SurfaceRunResult } from '../engine/surface/runSurface';
import { SURFACE_SERIES, surfaceSeriesOf } from '../engine/surface/series';
import type { CloudResult } from '../engine/surface/runCloud';
import type { SurfaceGrid } from '../engine/surface/grid';
import type { RunDelta } from '../engine/surface/jobs';
import type { AppState } from './store';

/** A run as the engine returns it, growing chunk by chunk, and whether all its steps are in. */
export interface RaceRun extends SurfaceRunResult {
  done: boolean;
}

export const raceRunEmpty = (): RaceRun => ({
  path: [],
  loss: [],
  lr: [],
  grad: [],
  distance: [],
  status: 'running',
  done: false,
});

export interface RaceSlice {
  race: RaceRun[];
  /** the previous trajectory of a restarted run, drawn faintly until the new one passes it */
  ghosts: (RaceRun | null)[];
  /** per run, the step shown (the animation's playhead) */
  heads: number[];
  playing: boolean;
  /** backend the last result was computed on */
  computedOn: string | null;
  raceError: string | null;
  cloud: CloudResult | null;
  cloudComputing: boolean;
  /** the cloud's playhead, in steps */
  cloudHead: number;
  /** the objective sampled over its domain, for the contour map */
  grid: SurfaceGrid | null;
  /** the run whose update rule and arrows are shown */
  selectedRun: number;
  raceReset(runs: number[], keepGhost: boolean): void;
  raceApply(deltas: RunDelta[]): void;
  /** installs a job's final result: authoritative, whatever progress messages were still in flight */
  raceFinish(runs: number[], results: SurfaceRunResult[], backend: string): void;
  raceFail(message: string): void;
  headsSet(heads: number[]): void;
  playingSet(playing: boolean): void;
  cloudSet(cloud: CloudResult | null, computing: boolean): void;
  selectedRunSet(run: number): void;
}

export const createRaceSlice: StateCreator<AppState, [], [], RaceSlice> = (set) => ({
  race: [],
  ghosts: [],
  heads: [],
  playing: false,
  computedOn: null,
  raceError: null,
  cloud: null,
  cloudComputing: false,
  cloudHead: 0,
  grid: null,
  selectedRun: 0,
  raceReset: (runs, keepGhost) =>
    set((s) => {
      const n = s.specs.surface.runs.length;
      const race = Array.from({ length: n }, (_, i) => s.race[i] ?? raceRunEmpty());
      const ghosts = Array.from({ length: n }, (_, i) => s.ghosts[i] ?? null);
      const heads = Array.from({ length: n }, (_, i) => s.heads[i] ?? 0);
      for (const r of runs) {
        ghosts[r] = keepGhost && race[r].path.length > 1 ? race[r] : null;
        race[r] = raceRunEmpty();
        heads[r] = 0;
      }
      return { race, ghosts, heads, raceError: null, selectedRun: Math.min(s.selectedRun, n - 1) };
    }),
  raceApply: (deltas) =>
    set((s) => {
      const race = [...s.race];
      for (const d of deltas) {
        const r = race[d.run];
        if (!r) continue;
        const have = surfaceSeriesOf(r);
        const added = surfaceSeriesOf(d);
        const series = Object.fromEntries(
          SURFACE_SERIES.filter((k) => added[k]).map((k) => [k, (have[k] ?? []).concat(added[k]!)]),
        );
        race[d.run] = {
          ...(series as unknown as SurfaceRunResult),
          status: d.status,
          done: false,
          ...(d.divergedAt !== undefined ? { divergedAt: d.divergedAt, reason: d.reason } : {}),
        };
        if (d.status === 'diverged') {
          // the runner trims a diverged run back to its last sane point
          const at = d.divergedAt!;
          const cur = surfaceSeriesOf(race[d.run]);
          const trimmed = SURFACE_SERIES.filter((k) => cur[k]).map((k) => [k, cur[k]!.slice(0, at)]);
          race[d.run] = { ...race[d.run], ...Object.fromEntries(trimmed) };
        }
      }
      return { race };
    }),
  raceFinish: (runs, results, backend) =>
    set((s) => {
      const race = [...s.race];
      runs.forEach((run, k) => {
        if (race[run] && results[k]) race[run] = { ...results[k], done: true };
      });
      return { race, computedOn: backend };
    }),
  raceFail: (message) => set({ raceError: message, playing: false }),
  headsSet: (heads) => set({ heads }),
  playingSet: (playing) => set({ playing }),
  cloudSet: (cloud, computing) => set({ cloud, cloudComputing: computing }),
  selectedRunSet: (run) => set({ selectedRun: run }),
});
