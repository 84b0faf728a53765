import { lazy, Suspense } from 'react';
import { backendDescribe } from '../engine/backendInfo';
import { durationFormat } from '../engine/spec/cost';
import { specErrorsFormat } from '../engine/spec/schema';
import { LABS, LAB_LIST, type LabId } from '../labs';
import type { RecordKey } from '../store/jobSlice';
import { jobStart } from '../store/jobs';
import { surfaceViewSet } from '../store/surfaceEdits';
import { useAppStore, selectBackend } from '../store/store';
import { LabErrorBoundary } from './controls/LabErrorBoundary';
import { RunningJobs } from './controls/RunningJobs';
import { LibraryButton, LibraryPanel } from './library/LibraryPanel';

// each lab's page loads when it is opened (or a link names it): the registry's lazy import
const PAGES = Object.fromEntries(LAB_LIST.map((l) => [l.id, lazy(l.page)])) as Record<LabId, ReturnType<typeof lazy>>;

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
  const held = useAppStore((s) => s.linkHeld);
  const lab = useAppStore((s) => s.lab);
  return (
    <>
      {held && held.lab === lab && (
        <div role="status" className="banner warn" data-testid="link-held">
          <span>
            This experiment {held.what}: it will take {durationFormat(held.seconds)} on your device ({held.backend}), so
            it did not start on opening.
          </span>
          <button
            type="button"
            className="primary"
            onClick={() => {
              useAppStore.getState().linkHeldSet(null);
              jobStart(LABS[held.lab].run as RecordKey);
            }}
          >
            Run
          </button>
          <button type="button" onClick={() => useAppStore.getState().linkHeldSet(null)}>
            Dismiss
          </button>
        </div>
      )}
      {linkErrors && (
        <div role="alert" className="banner error" data-testid="link-error">
          <strong>This link could not be opened, so the default experiment is shown.</strong>
          <ul>
            {specErrorsFormat(linkErrors).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <button type="button" onClick={() => useAppStore.getState().linkErrorsSet(null)}>
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
  const presenting = useAppStore((s) => s.specs.surface.view.presentation && s.lab === 'surface');
  const lab = useAppStore((s) => s.lab);
  const Page = PAGES[lab];
  return (
    <div className={`app${presenting ? ' presentation' : ''}`}>
      <header className="app-header">
        <h1>Optimizer Playground</h1>
        <nav aria-label="labs">
          {LAB_LIST.map((l) => (
            <button
              key={l.id}
              type="button"
              className={`tab${lab === l.id ? ' active' : ''}`}
              aria-current={lab === l.id ? 'page' : undefined}
              data-testid={`lab-${l.id}`}
              onClick={() => useAppStore.getState().labSet(l.id)}
            >
              {l.label}
            </button>
          ))}
        </nav>
        {lab === 'surface' && (
          <button
            type="button"
            className="header-button"
            aria-pressed={presenting}
            data-testid="presentation-toggle"
            onClick={() => surfaceViewSet({ presentation: !presenting })}
          >
            {presenting ? 'Exit presentation' : 'Present'}
          </button>
        )}
        <LibraryButton />
        <RunningJobs />
        <BackendBadge />
      </header>
      <Banners />
      <LibraryPanel />
      <Suspense
        fallback={
          <p className="lab-loading" role="status">
            Loading the lab…
          </p>
        }
      >
        <LabErrorBoundary key={lab} lab={lab}>
          <Page />
        </LabErrorBoundary>
      </Suspense>
    </div>
  );
}
