/** The search lab: settings on the left; the tool (search, batch-size study, range test) on the right. */
import type { SearchTool } from '../../engine/spec/searchSchema';
import { selectSearchShown, useAppStore } from '../../store/store';
import { useThrottledStore } from '../charts/useThrottledStore';
import { seconds } from '../controls/format';
import { JobToolbar } from '../controls/JobToolbar';
import { SearchControls } from './SearchControls';
import { SearchViews } from './SearchViews';
import { FinderView, StudyView } from './ToolViews';
import { formatValue } from './searchViewData';

const TOOLS: { tool: SearchTool; label: string }[] = [
  { tool: 'search', label: 'Hyperparameter search' },
  { tool: 'study', label: 'Batch-size study' },
  { tool: 'finder', label: 'Learning-rate range test' },
];

function Progress() {
  const record = useThrottledStore(selectSearchShown, 250);
  if (!record)
    return (
      <span className="small muted" data-testid="search-status" data-status="idle">
        idle
      </span>
    );
  const p = record.progress;
  const total = p?.total ?? record.trials.length;
  const done = record.trials.filter((t) => t && t.done > 0).length;
  const running = record.trials.filter((t) => t?.status === 'running').length;
  const share = p && p.costTotal > 0 ? Math.min(1, p.costDone / p.costTotal) : 0;
  const best = record.best !== null ? record.trials[record.best] : null;
  return (
    <div className="search-progress">
      <progress
        max={1}
        value={record.status === 'done' ? 1 : share}
        aria-label="search progress"
        data-testid="search-progress"
      />
      <span className="small" data-testid="search-status" data-status={record.status}>
        #{record.id} {record.status} · {done}/{total} trials done{running ? `, ${running} training` : ''}
        {p ? ` · ${seconds(p.elapsedMs)}` : ''}
        {record.status === 'running' && p?.etaMs != null ? ` · about ${seconds(p.etaMs)} left` : ''}
        {best ? ` · best: trial ${best.id} (${formatValue(best.value!)})` : ''}
        {record.backend ? ` · ${record.backend}` : ''}
      </span>
      {record.error && (
        <p role="alert" className="field-error" data-testid="search-run-error">
          {record.error}
        </p>
      )}
    </div>
  );
}

function Toolbar() {
  return (
    <JobToolbar
      job="search"
      prefix="search"
      noun="search"
      runLabel="Run search"
      onShow={() => useAppStore.getState().trialSelect(null)}
    />
  );
}

export function SearchPage() {
  const tool = useAppStore((s) => s.specs.search.view.tool);
  const setTool = (t: SearchTool) => useAppStore.getState().specEdit('search', (s) => ({ ...s, view: { tool: t } }));
  return (
    <main className="train-page">
      <SearchControls />
      <div className="train-main">
        <nav className="segmented tools" aria-label="search lab tools">
          {TOOLS.map((t) => (
            <button
              key={t.tool}
              type="button"
              className={tool === t.tool ? 'active' : ''}
              aria-current={tool === t.tool ? 'page' : undefined}
              data-testid={`tool-${t.tool}`}
              onClick={() => setTool(t.tool)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        {tool === 'search' && (
          <>
            <Toolbar />
            <Progress />
            <SearchViews />
          </>
        )}
        {tool === 'study' && <StudyView />}
        {tool === 'finder' && <FinderView />}
      </div>
    </main>
  );
}
