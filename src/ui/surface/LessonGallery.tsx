/** The classroom presets: pick one to load its experiment; its explanation shows beside the map. */
import { SURFACE_LESSONS, lessonFind } from '../../lessons/surfaceLessons';
import { surfaceSpecParseValid } from '../../engine/spec/schema';
import { playbackReset } from '../../store/playback';
import { useAppStore } from '../../store/store';

export function lessonLoad(id: string): void {
  const lesson = lessonFind(id);
  if (!lesson) return;
  playbackReset();
  useAppStore.getState().specReplace('surface', surfaceSpecParseValid(lesson.spec));
  useAppStore.getState().selectedRunSet(0);
}

export function LessonGallery() {
  const current = useAppStore((s) => s.specs.surface.view.lesson);
  return (
    <nav className="lessons" aria-label="lessons">
      {SURFACE_LESSONS.map((l) => (
        <button
          key={l.id}
          type="button"
          className={current === l.id ? 'active' : undefined}
          aria-pressed={current === l.id}
          data-testid={`lesson-${l.id}`}
          onClick={() => lessonLoad(l.id)}
        >
          {l.title}
        </button>
      ))}
    </nav>
  );
}

export function LessonText() {
  const lesson = useAppStore((s) => lessonFind(s.specs.surface.view.lesson));
  if (!lesson) return null;
  return (
    <section className="lesson-text" aria-label="lesson" data-testid="lesson-text">
      <h2>{lesson.title}</h2>
      <p>{lesson.text}</p>
    </section>
  );
}
