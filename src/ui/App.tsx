import { backendDescribe } from '../engine/backendInfo';
import { specErrorsFormat } from '../engine/spec/schema';
import { useAppStore, selectBackend } from '../store/store';
import { lazy, Suspense } from 'react';
import { SurfacePage } from './surface/SurfacePage';

// The surface lab opens first; the other labs' code loads when one is opened (or a link names it).
const TrainPage = lazy(() => import('./train/TrainPage').then((m) => ({ default: m.TrainPage })));
const SearchPage = lazy(() => import('./search/SearchPage').then((m) => ({ default: m.SearchPage })));
const CompressPage = lazy(() => import('./compress/CompressPage').then((m) => ({ default: m.CompressPage })));

function BackendBadge() {
  const report = useAppStore(selectBackend);
  const thread = useAppStore((s) => s.engineThread);
  const threadReason = useAppStore((s) => s.engineThreadReason);
  if (!report)
    return (
      <span className="backend">
        <span className="badge" data-testid="backend-active">
          starting…
        </span>
      </span>
    );
  return (
    <span className="backend" title={backendDescribe(report)}>
      <span className={`badge backend-${report.active}`} data-testid="backend-active">
        {report.active}
      </span>
      <span
        className="muted small"
        data-testid="engine-thread"
        title={threadReason ?? 'the engine runs in a Web Worker'}
      >
        {thread === 'worker' ? 'in a worker' : 'on the page'}
      </span>
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
  const threadReason = useAppStore((s) => s.engineThreadReason);
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
          <button type="button" onClick={() => useAppStore.getState().linkErrorsDismiss()}>
            Dismiss
          </button>
        </div>
      )}
      {notice && (
        <div role="alert" className="banner warn" data-testid="backend-notice">
          {notice}
        </div>
      )}
      {threadReason && (
        <div role="status" className="banner warn" data-testid="thread-notice">
          {threadReason}
        </div>
      )}
    </>
  );
}

export function App() {
  const presenting = useAppStore((s) => s.spec.view.presentation && s.lab === 'surface');
  const lab = useAppStore((s) => s.lab);
  return (
    <div className={`app${presenting ? ' presentation' : ''}`}>
      <header className="app-header">
        <h1>Optimizer Playground</h1>
        <nav aria-label="labs">
          <button
            type="button"
            className={`tab${lab === 'surface' ? ' active' : ''}`}
            aria-current={lab === 'surface' ? 'page' : undefined}
            data-testid="lab-surface"
            onClick={() => useAppStore.getState().labSet('surface')}
          >
            Surface lab
          </button>
          <button
            type="button"
            className={`tab${lab === 'train' ? ' active' : ''}`}
            aria-current={lab === 'train' ? 'page' : undefined}
            data-testid="lab-train"
            onClick={() => useAppStore.getState().labSet('train')}
          >
            Training lab
          </button>
          <button
            type="button"
            className={`tab${lab === 'search' ? ' active' : ''}`}
            aria-current={lab === 'search' ? 'page' : undefined}
            data-testid="lab-search"
            onClick={() => useAppStore.getState().labSet('search')}
          >
            Search lab
          </button>
          <button
            type="button"
            className={`tab${lab === 'compress' ? ' active' : ''}`}
            aria-current={lab === 'compress' ? 'page' : undefined}
            data-testid="lab-compress"
            onClick={() => useAppStore.getState().labSet('compress')}
          >
            Compression lab
          </button>
        </nav>
        {lab === 'surface' && (
          <button
            type="button"
            className="header-button"
            aria-pressed={presenting}
            data-testid="presentation-toggle"
            onClick={() => useAppStore.getState().viewSet({ presentation: !presenting })}
          >
            {presenting ? 'Exit presentation' : 'Present'}
          </button>
        )}
        <BackendBadge />
      </header>
      <Banners />
      <Suspense
        fallback={
          <p className="lab-loading" role="status">
            Loading the lab…
          </p>
        }
      >
        {lab === 'surface' ? (
          <SurfacePage />
        ) : lab === 'train' ? (
          <TrainPage />
        ) : lab === 'search' ? (
          <SearchPage />
        ) : (
          <CompressPage />
        )}
      </Suspense>
    </div>
  );
}
