/** The search lab: settings on the left; the tool (search, batch-size study, range test) on the right. */
import type { SearchTool } from '../../engine/spec/searchSchema';
import { searchCancel, searchStart } from '../../store/searchController';
import { useAppStore } from '../../store/store';
import { useThrottledStore } from '../charts/useThrottledStore';
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

function seconds(ms: number): string {
  return ms < 60_000
    ? `${Math.round(ms / 1000)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function Progress() {
  const record = useThrottledStore((s) => s.searches.find((r) => r.id === s.searchShown) ?? null, 250);
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
  const searches = useAppStore((s) => s.searches);
  const shown = useAppStore((s) => s.searchShown);
  const error = useAppStore((s) => s.searchError);
  return (
    <JobToolbar
      prefix="search"
      noun="search"
      runLabel="Run search"
      running={searches.some((r) => r.status === 'running')}
      records={searches}
      shown={shown}
      error={error}
      onRun={() => searchStart()}
      onCancel={() => searchCancel()}
      onShow={(id) => useAppStore.getState().searchShow(id)}
    />
  );
}

export function SearchPage() {
  const tool = useAppStore((s) => s.searchSpec.view.tool);
  const setTool = (t: SearchTool) => useAppStore.getState().searchEdit((s) => ({ ...s, view: { tool: t } }));
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
