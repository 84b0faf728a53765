/** Share the exact experiment; or make a classroom link with parts hidden or the settings locked. */
import { useState } from 'react';
import { linkUrl } from '../../engine/spec/link';
import { VIEW_HIDEABLE, type SurfaceView } from '../../engine/spec/schema';
import { useAppStore } from '../../store/store';
import { urlWriteNow } from '../../store/urlSync';

const HIDE_LABELS: Record<(typeof VIEW_HIDEABLE)[number], string> = {
  names: 'optimizer names and settings (“which one is the red run?”)',
  settings: 'the settings panel',
  rule: 'the update rule',
  charts: 'the charts',
};

async function copy(text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Link copied to the clipboard.';
  } catch {
    return 'The clipboard is not available here: copy the link from the box.';
  }
}

export function SharePanel() {
  const [message, setMessage] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [hide, setHide] = useState<SurfaceView['hide']>([]);
  const [lock, setLock] = useState(false);
  const [presentation, setPresentation] = useState(false);
  const share = async () => {
    const url = urlWriteNow();
    setLink(url);
    setMessage(await copy(url));
  };
  const classroom = async () => {
    const spec = useAppStore.getState().specs.surface;
    const url = linkUrl(window.location.href, { ...spec, view: { ...spec.view, hide, lock, presentation } });
    setLink(url);
    setMessage(await copy(url));
  };
  return (
    <div className="share">
      <button type="button" onClick={() => void share()} data-testid="share-button">
        Share link
      </button>
      <details>
        <summary>Classroom link…</summary>
        <fieldset>
          <legend>Hide for students</legend>
          {VIEW_HIDEABLE.map((h) => (
            <label key={h}>
              <input
                type="checkbox"
                checked={hide.includes(h)}
                onChange={(e) => setHide(e.target.checked ? [...hide, h] : hide.filter((x) => x !== h))}
              />{' '}
              {HIDE_LABELS[h]}
            </label>
          ))}
          <label>
            <input type="checkbox" checked={lock} onChange={(e) => setLock(e.target.checked)} /> lock the settings
            (students can play, not change)
          </label>
          <label>
            <input type="checkbox" checked={presentation} onChange={(e) => setPresentation(e.target.checked)} /> open in
            presentation mode
          </label>
        </fieldset>
        <button type="button" onClick={() => void classroom()} data-testid="classroom-link">
          Copy classroom link
        </button>
      </details>
      {message && (
        <span className="muted small" role="status">
          {message}
        </span>
      )}
      {link && (
        <input
          className="link-box"
          readOnly
          value={link}
          aria-label="share link"
          data-testid="share-link"
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  );
}
