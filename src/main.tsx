import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { linkDecode, linkPayload } from './engine/spec/link';
import { useAppStore } from './store/store';
import { App } from './ui/App';
import { engineStart } from './worker/client';
import './ui/styles.css';

// A link in the address restores its experiment; a broken one shows why and keeps the defaults.
if (linkPayload(window.location.hash) !== null) {
  const decoded = linkDecode(window.location.hash);
  if (decoded.ok) useAppStore.getState().specReplace(decoded.spec);
  else useAppStore.setState({ linkErrors: decoded.errors });
}

const requested = new URLSearchParams(window.location.search).get('backend');
void engineStart(requested).then(({ report, notice }) => useAppStore.getState().backendSet(report, notice));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
