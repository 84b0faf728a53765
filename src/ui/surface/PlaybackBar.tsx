/** Play, pause, single step, reset, speed, and the race / cloud / basin switch. */
import { VIEW_MODES } from '../../engine/spec/schema';
import { playbackPlay, playbackPause, playbackReset, playbackStep } from '../../store/playback';
import { useAppStore } from '../../store/store';
import { NumberControl } from '../controls/HyperControl';
import { surfaceViewSet } from '../../store/surfaceEdits';

const SPEED_META = {
  key: 'speed',
  label: 'steps/s',
  description: 'animation speed',
  min: 1,
  max: 1000,
  scale: 'log' as const,
  integer: true,
};
const MODE_LABELS: Record<(typeof VIEW_MODES)[number], string> = { race: 'Race', cloud: 'Cloud', basin: 'Basins' };

export function PlaybackBar() {
  const playing = useAppStore((s) => s.playing);
  const mode = useAppStore((s) => s.specs.surface.view.mode);
  const speed = useAppStore((s) => s.specs.surface.view.speed);
  const steps = useAppStore((s) => s.specs.surface.steps);
  const head = useAppStore((s) => (s.specs.surface.view.mode === 'race' ? Math.max(0, ...s.heads) : s.cloudHead));
  const computing = useAppStore((s) =>
    s.specs.surface.view.mode === 'race' ? s.race.some((r) => !r.done) : s.cloudComputing,
  );
  return (
    <div className="playback" role="toolbar" aria-label="playback">
      {playing ? (
        <button type="button" className="primary" onClick={playbackPause} aria-label="pause" data-testid="pause">
          ❚❚ Pause
        </button>
      ) : (
        <button type="button" className="primary" onClick={playbackPlay} aria-label="play" data-testid="play">
          ▶ Play
        </button>
      )}
      <button type="button" onClick={playbackStep} aria-label="single step" data-testid="step">
        Step ▸
      </button>
      <button type="button" onClick={playbackReset} aria-label="reset" data-testid="reset">
        ⟲ Reset
      </button>
      <span className="step-counter" data-testid="step-counter" aria-live="off">
        step {head} / {steps}
      </span>
      {computing && (
        <span className="muted small" role="status">
          computing…
        </span>
      )}
      <div className="speed">
        <NumberControl meta={SPEED_META} value={speed} onChange={(v) => surfaceViewSet({ speed: v })} testId="speed" />
      </div>
      <div className="segmented" role="radiogroup" aria-label="view">
        {VIEW_MODES.map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={mode === m}
            className={mode === m ? 'active' : undefined}
            data-testid={`mode-${m}`}
            onClick={() => surfaceViewSet({ mode: m })}
          >
            {MODE_LABELS[m]}
          </button>
        ))}
      </div>
    </div>
  );
}
