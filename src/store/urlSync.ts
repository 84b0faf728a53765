/**
 * Keeps the address current: every edit (debounced while a slider moves) pushes a history entry
 * with the open lab's spec in the hash, so the back button steps back through edits; going back
 * restores them. A link's kind decides the lab: `surface` opens the surface lab, `train` the
 * training lab (which then trains it, so the link reproduces the experiment), `search` the search
 * lab and `compress` the compression lab (each waits for Run: a search or a study takes minutes).
 */
import { linkDecode, linkEncode, linkPayload } from '../engine/spec/link';
import type { ExperimentSpec, SpecError } from '../engine/spec/schema';
import { DEFAULT_SPEC } from './experimentSlice';
import { useAppStore, type AppState } from './store';

const DEBOUNCE_MS = 400;

/** The spec of the lab that is open. */
export function openSpec(s: AppState): ExperimentSpec {
  return s.lab === 'train'
    ? s.trainSpec
    : s.lab === 'search'
      ? s.searchSpec
      : s.lab === 'compress'
        ? s.compressSpec
        : s.spec;
}

/** Puts a link's experiment in the store; a broken link keeps the current spec and says why. */
function install(hash: string): { ok: true; spec: ExperimentSpec } | { ok: false; errors: SpecError[] } {
  const decoded = linkDecode(hash);
  if (!decoded.ok) {
    useAppStore.setState({ linkErrors: decoded.errors });
    return decoded;
  }
  const s = useAppStore.getState();
  if (decoded.spec.kind === 'train') {
    s.trainSpecReplace(decoded.spec);
    s.labSet('train');
  } else if (decoded.spec.kind === 'search') {
    s.searchSpecReplace(decoded.spec);
    s.labSet('search');
  } else if (decoded.spec.kind === 'compress') {
    s.compressSpecReplace(decoded.spec);
    s.labSet('compress');
  } else {
    s.specReplace(decoded.spec);
    s.labSet('surface');
  }
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
    if (
      restoring ||
      (state.spec === prev.spec &&
        state.trainSpec === prev.trainSpec &&
        state.searchSpec === prev.searchSpec &&
        state.compressSpec === prev.compressSpec &&
        state.lab === prev.lab)
    )
      return;
    if (state.lab === prev.lab && openSpec(state) === openSpec(prev)) return; // an edit in the lab that is not open
    window.clearTimeout(timer);
    timer = window.setTimeout(write, state.lab !== prev.lab ? 0 : DEBOUNCE_MS);
  });
  const onPop = () => {
    window.clearTimeout(timer); // the user navigated: an edit not yet written is not pushed on top
    restoring = true;
    if (linkPayload(window.location.hash) === null) {
      // back to the address the app was opened with, before any edit: the default experiment
      useAppStore.getState().specReplace(DEFAULT_SPEC);
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
