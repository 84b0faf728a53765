/** Per run: the share of the cloud that reached a minimum, how fast, and how many diverged. */
import { OBJECTIVES } from '../../engine/objectives/registry';
import { useAppStore } from '../../store/store';
import { BASIN_COLORS } from './SurfaceMap';
import { runLabel } from './runLabel';

export function CloudStats() {
  const cloud = useAppStore((s) => s.cloud);
  const computing = useAppStore((s) => s.cloudComputing);
  const spec = useAppStore((s) => s.specs.surface);
  const selected = useAppStore((s) => s.selectedRun);
  const mode = spec.view.mode;
  if (mode === 'race') return null;
  const hide = spec.view.hide.includes('names');
  const minima = OBJECTIVES[spec.objective.name].minima(spec.objective);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return (
    <section className="cloud-stats" aria-label="particle cloud" data-testid="cloud-stats">
      <h2>
        {spec.cloud.count.toLocaleString('en')} starts per run
        {computing && <span className="muted small"> · computing…</span>}
      </h2>
      {cloud && (
        <table className="summary">
          <thead>
            <tr>
              <th>run</th>
              <th>within ε = {spec.cloud.epsilon} of a minimum</th>
              <th>median steps</th>
              <th>diverged</th>
            </tr>
          </thead>
          <tbody>
            {cloud.runs.map((r, i) => (
              <tr
                key={i}
                data-testid={`cloud-row-${i}`}
                className={i === selected ? 'selected' : undefined}
                onClick={() => useAppStore.getState().selectedRunSet(i)}
              >
                <td>
                  <span className="swatch" style={{ background: spec.runs[i]?.color }} />
                  {runLabel(spec.runs[i], i, hide)}
                </td>
                {r.skipped ? (
                  <td colSpan={3} className="muted small" data-testid={`cloud-skipped-${i}`}>
                    {r.skipped}
                  </td>
                ) : (
                  <>
                    <td data-testid={`cloud-reached-${i}`}>{pct(r.shareReached)}</td>
                    <td>{r.medianSteps ?? '—'}</td>
                    <td>{pct(r.diverged / cloud.count)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cloud && mode === 'basin' && (
        <p className="small basin-legend" data-testid="basin-legend">
          Start points of run {selected + 1}, coloured by the minimum reached:{' '}
          {minima.map((m, k) => {
            const n = cloud.runs[selected]?.basin.filter((b) => b === k).length ?? 0;
            return (
              <span key={k}>
                <span className="swatch" style={{ background: BASIN_COLORS[k % BASIN_COLORS.length] }} />(
                {m.map((v) => v.toFixed(2)).join(', ')}) {pct(n / cloud.count)}{' '}
              </span>
            );
          })}
          <span>
            <span className="swatch" style={{ background: '#9ca3af' }} />
            none
          </span>{' '}
          <span>
            <span className="swatch" style={{ background: '#111827' }} />
            diverged
          </span>
        </p>
      )}
    </section>
  );
}
