import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DEFAULT_RATES, LINK_AUTORUN_SECONDS, costSeconds, specCost } from './engine/spec/cost';
import type { ExperimentSpec } from './engine/spec/schema';
import { LABS, labOfKind } from './labs';
import type { RecordKey } from './store/jobSlice';
import { jobStart } from './store/jobs';
import { libraryStart } from './store/library';
import { raceControllerStart } from './store/raceController';
import { useAppStore } from './store/store';
import { urlRead, urlSyncStart } from './store/urlSync';
import { App } from './ui/App';
import { engineMemory, engineStart } from './worker/client';
import './ui/styles.css';

// A link in the address restores its experiment; a broken one shows why and keeps the defaults.
const linked = urlRead();

const params = new URLSearchParams(window.location.search);
void engineStart(params.get('backend'), { worker: params.get('worker') !== '0' })
  .then(({ report, notice, thread, threadReason }) => {
    useAppStore.getState().backendSet(report, notice, thread, threadReason);
    // after the library is back: a link whose experiment the library already holds finished is shown, not retrained
    if (linked) void libraryReady.then(() => linkOpen(linked, report.active));
  })
  .catch((err: Error) => useAppStore.setState({ raceError: `The engine could not start: ${err.message}` }));
raceControllerStart();
const libraryReady = libraryStart(); // the kept records come back into the histories
// The engine's tensor count and bytes, for the benchmark suite (bench/run.mjs checks that every lab
// gives back what it took) and for anyone curious in the devtools console: await optiplay.memory();
// the app's state (optiplay.store.getState()), for the same console and the fault tests
Object.assign(window, { optiplay: { memory: engineMemory, store: useAppStore } });
urlSyncStart();

/**
 * A shared training experiment is trained on opening, so the link reproduces it (not a CSV one: its
 * file is not in the link), unless it would take long on this device: then the page shows it with the
 * estimate and waits for Run (a 300-character link must not start hours of work in a student's tab).
 */
function linkOpen(spec: ExperimentSpec, backend: string): void {
  const lab = labOfKind(spec.kind);
  if (lab.onLink !== 'run' || lab.data?.(spec).name === 'csv') return;
  const key = lab.run as RecordKey;
  const same = JSON.stringify(spec);
  const kept = useAppStore
    .getState()
    .jobs[key].findLast((r) => r.status === 'done' && r.libraryUid && JSON.stringify(r.spec) === same);
  if (kept) {
    useAppStore.getState().jobShow(key, kept.id); // a reload of a finished experiment: its record, as it was
    return;
  }
  const cost = specCost(spec);
  const seconds = cost ? costSeconds(cost, DEFAULT_RATES[backend] ?? DEFAULT_RATES.cpu) : 0;
  if (cost && seconds > LINK_AUTORUN_SECONDS)
    useAppStore.getState().linkHeldSet({ lab: lab.id, what: cost.what, seconds, backend });
  else jobStart(key);
}
// the open lab's page starts loading with the engine
void LABS[useAppStore.getState().lab].page();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
