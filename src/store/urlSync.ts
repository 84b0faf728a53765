/**
 * Keeps the address current: every edit (debounced while a slider moves) pushes a history entry
 * with the open lab's spec in the hash, so the back button steps back through edits; going back
 * restores them. A link's kind decides the lab it opens (labs/index.ts), and the lab's `onLink` what
 * happens then (main.tsx): training runs at once, so the link reproduces the experiment; a search or a
 * study waits for Run (they take minutes); the surface lab computes live.
 */
import { linkDecode, linkEncode, linkPayload } from '../engine/spec/link';
import type { ExperimentSpec, SpecError } from '../engine/spec/schema';
import { LABS, labOfKind } from '../labs';
import { useAppStore, type AppState } from './store';

const DEBOUNCE_MS = 400;

/** The spec of the lab that is open. */
export function openSpec(s: AppState): ExperimentSpec {
  return s.specs[s.lab];
}

/** Puts a link's experiment in its lab's place in the store, and opens that lab; a broken link keeps the current spec and says why. */
function install(hash: string): { ok: true; spec: ExperimentSpec } | { ok: false; errors: SpecError[] } {
  const decoded = linkDecode(hash);
  if (!decoded.ok) {
    useAppStore.getState().linkErrorsSet(decoded.errors);
    return decoded;
  }
  const s = useAppStore.getState();
  const lab = labOfKind(decoded.spec.kind);
  s.specReplace(lab.id, decoded.spec as never);
  s.labSet(lab.id);
  return decoded;
}

/**
 * Reads the link in the address into the store. Returns the training spec to run when the link held
 * one (a CSV experiment is not run: its file is not in the link).
 */
export function urlRead(): ExperimentSpec | null {
  if (linkPayload(window.location.hash) === null) return null;
  const r = install(window.location.hash);
  return r.ok ? r.spec : null;
}

export function urlSyncStart(): () => void {
  let timer = 0;
  let restoring = false;
  const write = () => {
    const hash = `#${linkEncode(openSpec(useAppStore.getState()))}`;
    if (hash !== window.location.hash)
      window.history.pushState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  };
  const unsubscribe = useAppStore.subscribe((state, prev) => {
    if (restoring || (state.specs === prev.specs && state.lab === prev.lab)) return;
    if (state.lab === prev.lab && openSpec(state) === openSpec(prev)) return; // an edit in the lab that is not open
    window.clearTimeout(timer);
    timer = window.setTimeout(write, state.lab !== prev.lab ? 0 : DEBOUNCE_MS);
  });
  const onPop = () => {
    window.clearTimeout(timer); // the user navigated: an edit not yet written is not pushed on top
    restoring = true;
    if (linkPayload(window.location.hash) === null) {
      // back to the address the app was opened with, before any edit: the default experiment
      useAppStore.getState().specReplace('surface', LABS.surface.defaults);
      useAppStore.getState().labSet('surface');
    } else {
      install(window.location.hash);
    }
    restoring = false;
  };
  window.addEventListener('popstate', onPop);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onPop);
    window.clearTimeout(timer);
  };
}

/** Writes the open lab's spec into the address now (before sharing). */
export function urlWriteNow(): string {
  const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${linkEncode(openSpec(useAppStore.getState()))}`;
  if (url !== window.location.href) window.history.pushState(null, '', url);
  return url;
}
