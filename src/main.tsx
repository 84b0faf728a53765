import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LABS, labOfKind } from './labs';
import type { RecordKey } from './store/jobSlice';
import { jobStart } from './store/jobs';
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
  .then(({ report, notice, thread, threadReason }) =>
    useAppStore.getState().backendSet(report, notice, thread, threadReason),
  )
  .catch((err: Error) => useAppStore.setState({ raceError: `The engine could not start: ${err.message}` }));
raceControllerStart();
// The engine's tensor count and bytes, for the benchmark suite (bench/run.mjs checks that every lab
// gives back what it took) and for anyone curious in the devtools console: await optiplay.memory()
Object.assign(window, { optiplay: { memory: engineMemory } });
urlSyncStart();
// a shared training experiment is trained on opening, so the link reproduces it (not a CSV one: its file is not in the link)
if (linked) {
  const lab = labOfKind(linked.kind);
  if (lab.onLink === 'run' && lab.data?.(linked).name !== 'csv') jobStart(lab.run as RecordKey);
}
// the open lab's page starts loading with the engine
void LABS[useAppStore.getState().lab].page();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
