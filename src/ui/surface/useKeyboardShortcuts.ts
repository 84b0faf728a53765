/** Space plays or pauses, → steps, r resets — unless the user is typing in a field. */
import { useEffect } from 'react';
import { playbackReset, playbackStep, playbackToggle } from '../../store/playback';

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable)) return;
      if (e.key === ' ') {
        // a focused button would also be "clicked" by space: handle it once, here
        e.preventDefault();
        playbackToggle();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        playbackStep();
      } else if (e.key === 'r' || e.key === 'R') {
        playbackReset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
