import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { raceControllerStart } from './store/raceController';
import { useAppStore } from './store/store';
import { urlRead, urlSyncStart } from './store/urlSync';
import { App } from './ui/App';
import { engineStart } from './worker/client';
import './ui/styles.css';

// A link in the address restores its experiment; a broken one shows why and keeps the defaults.
urlRead();

const params = new URLSearchParams(window.location.search);
void engineStart(params.get('backend'), { worker: params.get('worker') !== '0' })
  .then(({ report, notice, thread, threadReason }) => useAppStore.getState().backendSet(report, notice, thread, threadReason))
  .catch((err: Error) => useAppStore.setState({ raceError: `The engine could not start: ${err.message}` }));
raceControllerStart();
urlSyncStart();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
