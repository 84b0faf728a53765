import { backendDescribe } from '../engine/backend';
import { specErrorsFormat } from '../engine/spec/schema';
import { useAppStore, selectBackend } from '../store/store';
import { SurfacePage } from './surface/SurfacePage';

function BackendBadge() {
  const report = useAppStore(selectBackend);
  if (!report) return <span className="badge" data-testid="backend-active">starting…</span>;
  return (
    <span className="backend" title={backendDescribe(report)}>
      <span className={`badge backend-${report.active}`} data-testid="backend-active">{report.active}</span>
      {report.skipped.length > 0 && (
        <span className="muted small" data-testid="backend-fallback">
          {report.skipped.map((s) => `${s.backend} unavailable: ${s.reason}`).join('; ')}
        </span>
      )}
    </span>
  );
}

function Banners() {
  const linkErrors = useAppStore((s) => s.linkErrors);
  const notice = useAppStore((s) => s.backendNotice);
  return (
    <>
      {linkErrors && (
        <div role="alert" className="banner error" data-testid="link-error">
          <strong>This link could not be opened, so the default experiment is shown.</strong>
          <ul>
            {specErrorsFormat(linkErrors).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <button type="button" onClick={() => useAppStore.getState().linkErrorsDismiss()}>Dismiss</button>
        </div>
      )}
      {notice && <div role="alert" className="banner warn" data-testid="backend-notice">{notice}</div>}
    </>
  );
}

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Optimizer Playground</h1>
        <nav aria-label="labs"><span className="tab active">Surface</span></nav>
        <BackendBadge />
      </header>
      <Banners />
      <SurfacePage />
    </div>
  );
}
