import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { raceControllerStart } from './store/raceController';
import { useAppStore } from './store/store';
import { trainStart } from './store/trainController';
import { urlRead, urlSyncStart } from './store/urlSync';
import { App } from './ui/App';
import { engineStart } from './worker/client';
import './ui/styles.css';

// A link in the address restores its experiment; a broken one shows why and keeps the defaults.
const linked = urlRead();

const params = new URLSearchParams(window.location.search);
void engineStart(params.get('backend'), { worker: params.get('worker') !== '0' })
  .then(({ report, notice, thread, threadReason }) => useAppStore.getState().backendSet(report, notice, thread, threadReason))
  .catch((err: Error) => useAppStore.setState({ raceError: `The engine could not start: ${err.message}` }));
raceControllerStart();
urlSyncStart();
// a shared training experiment is trained on opening, so the link reproduces it (not a CSV one: its file is not in the link)
if (linked?.kind === 'train' && linked.data.name !== 'csv') trainStart();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
