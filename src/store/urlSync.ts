/**
 * Keeps the address current: every edit (debounced while a slider moves) pushes a history entry
 * with the spec in the hash, so the back button steps back through edits; going back restores them.
 */
import { linkDecode, linkEncode, linkPayload } from '../engine/spec/link';
import type { SpecResult, SurfaceSpec } from '../engine/spec/schema';
import { DEFAULT_SPEC } from './experimentSlice';
import { useAppStore } from './store';

const DEBOUNCE_MS = 400;

/** A link's surface experiment, or why this page cannot open it. */
function surfaceFromLink(decoded: SpecResult): { spec: SurfaceSpec } | { errors: { path: string; message: string }[] } {
  if (!decoded.ok) return { errors: decoded.errors };
  if (decoded.spec.kind !== 'surface') {
    return { errors: [{ path: 'kind', message: 'this link holds a training experiment; this version of the app has the surface lab only. Run it headless with: npx optiplay run "<the link>"' }] };
  }
  return { spec: decoded.spec };
}

/** Reads the link in the address into the store; a broken link keeps the current spec and says why. */
export function urlRead(): void {
  if (linkPayload(window.location.hash) === null) return;
  const found = surfaceFromLink(linkDecode(window.location.hash));
  if ('spec' in found) useAppStore.getState().specReplace(found.spec);
  else useAppStore.setState({ linkErrors: found.errors });
}

export function urlSyncStart(): () => void {
  let timer = 0;
  let restoring = false;
  const write = () => {
    const hash = `#${linkEncode(useAppStore.getState().spec)}`;
    if (hash !== window.location.hash) window.history.pushState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  };
  const unsubscribe = useAppStore.subscribe((state, prev) => {
    if (state.spec === prev.spec || restoring) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(write, DEBOUNCE_MS);
  });
  const onPop = () => {
    window.clearTimeout(timer); // the user navigated: an edit not yet written is not pushed on top
    restoring = true;
    if (linkPayload(window.location.hash) === null) {
      // back to the address the app was opened with, before any edit: the default experiment
      useAppStore.getState().specReplace(DEFAULT_SPEC);
      restoring = false;
      return;
    }
    restoring = false;
    const found = surfaceFromLink(linkDecode(window.location.hash));
    if ('errors' in found) {
      useAppStore.setState({ linkErrors: found.errors });
      return;
    }
    restoring = true;
    useAppStore.getState().specReplace(found.spec);
    restoring = false;
  };
  window.addEventListener('popstate', onPop);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onPop);
    window.clearTimeout(timer);
  };
}

/** Writes the current spec into the address now (before sharing). */
export function urlWriteNow(): string {
  const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${linkEncode(useAppStore.getState().spec)}`;
  if (url !== window.location.href) window.history.pushState(null, '', url);
  return url;
}
