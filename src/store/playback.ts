/**
 * The animation: playheads advance at the spec's speed (steps per second), never past what has been
 * computed. The map redraws from the store on every frame through a transient subscription; charts
 * follow at a lower rate.
 */
import { useAppStore } from './store';

let raf = 0;
let last = 0;
let carry = 0;

const available = (i: number) => Math.max(0, (useAppStore.getState().race[i]?.path.length ?? 1) - 1);

function finished(): boolean {
  const s = useAppStore.getState();
  if (s.specs.surface.view.mode !== 'race') return s.cloud !== null && s.cloudHead >= s.cloud.steps;
  return s.race.every((r, i) => r.done && s.heads[i] >= r.path.length - 1);
}

function tick(now: number): void {
  const s = useAppStore.getState();
  if (!s.playing) {
    raf = 0;
    return;
  }
  const dt = Math.min(0.25, (now - last) / 1000); // a hidden tab does not jump ahead
  last = now;
  const advance = s.specs.surface.view.speed * dt + carry;
  const whole = Math.floor(advance);
  carry = advance - whole;
  if (whole > 0) {
    if (s.specs.surface.view.mode === 'race') {
      const heads = s.race.map((_, i) => Math.min((s.heads[i] ?? 0) + whole, available(i)));
      if (heads.some((h, i) => h !== s.heads[i])) s.headsSet(heads);
    } else if (s.cloud) {
      useAppStore.setState({ cloudHead: Math.min(s.cloudHead + whole, s.cloud.steps) });
    }
  }
  if (finished()) {
    s.playingSet(false);
    raf = 0;
    return;
  }
  raf = requestAnimationFrame(tick);
}

export function playbackPlay(): void {
  const s = useAppStore.getState();
  if (finished()) playbackRewind(); // play at the end starts over
  s.playingSet(true);
  if (!raf) {
    last = performance.now();
    carry = 0;
    raf = requestAnimationFrame(tick);
  }
}

export function playbackPause(): void {
  useAppStore.getState().playingSet(false);
}

export function playbackToggle(): void {
  if (useAppStore.getState().playing) playbackPause();
  else playbackPlay();
}

function playbackRewind(): void {
  const s = useAppStore.getState();
  s.headsSet(s.race.map(() => 0));
  useAppStore.setState({ cloudHead: 0 });
}

/** One step forward for every run (and the cloud), paused. */
export function playbackStep(): void {
  const s = useAppStore.getState();
  s.playingSet(false);
  if (s.specs.surface.view.mode === 'race')
    s.headsSet(s.race.map((_, i) => Math.min((s.heads[i] ?? 0) + 1, available(i))));
  else if (s.cloud) useAppStore.setState({ cloudHead: Math.min(s.cloudHead + 1, s.cloud.steps) });
}

/** Back to the start point, paused. */
export function playbackReset(): void {
  useAppStore.getState().playingSet(false);
  playbackRewind();
}
