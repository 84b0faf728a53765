/** The Share link button: writes the open lab's experiment into the address, copies it and shows it. */
import { useState } from 'react';
import { urlWriteNow } from '../../store/urlSync';

/** Test ids `${prefix}-share` (the button) and `${prefix}-share-url` (the link shown). */
export function ShareLink({ prefix }: { prefix: string }) {
  const [shared, setShared] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        data-testid={`${prefix}-share`}
        onClick={() => {
          const url = urlWriteNow();
          setShared(url);
          void navigator.clipboard?.writeText(url).catch(() => undefined);
        }}
      >
        Share link
      </button>
      {shared && (
        <input
          className="share-url"
          readOnly
          value={shared}
          data-testid={`${prefix}-share-url`}
          onFocus={(e) => e.target.select()}
          aria-label="share link"
        />
      )}
    </>
  );
}
