/**
 * The header's account of what the engine is doing: every job that is running or paused, in whichever
 * lab, with a way to open its lab or stop it, and while any is, how much memory the engine holds (a
 * paused training keeps its model, optimizer state and data on the device). Switching labs stops
 * nothing, so this says so instead of letting a job run unseen.
 */
import { useEffect, useState } from 'react';
import { bytesFormat } from '../../engine/spec/cost';
import { jobOf } from '../../labs';
import type { RecordKey } from '../../store/jobSlice';
import { jobCancel } from '../../store/jobs';
import { useAppStore } from '../../store/store';
import { engineMemory } from '../../worker/client';

const JOB_LABELS: Record<RecordKey, string> = {
  train: 'Training',
  search: 'Search',
  finder: 'LR range test',
  study: 'Batch-size study',
  compress: 'Compression study',
};

const POLL_MS = 2000;

export function RunningJobs() {
  const active = useAppStore(
    (s) =>
      (Object.keys(s.jobs) as RecordKey[])
        .flatMap((key) =>
          s.jobs[key]
            .filter((r) => r.status === 'running' || r.status === 'queued')
            .map((r) => `${key}:${r.id}:${r.paused ? 'paused' : 'running'}`),
        )
        .join(' '), // a string, so the selector's value is stable between renders
  );
  const lab = useAppStore((s) => s.lab);
  const [memory, setMemory] = useState<{ numBytes: number; numTensors: number } | null>(null);
  useEffect(() => {
    if (!active) return;
    let stop = false;
    const poll = () =>
      engineMemory().then(
        (m) => !stop && setMemory(m),
        () => undefined, // the engine is restarting or gone: the next poll says
      );
    void poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [active]);
  if (!active) return null;
  const jobs = active.split(' ').map((s) => {
    const [key, id, state] = s.split(':') as [RecordKey, string, 'paused' | 'running'];
    return { key, id: Number(id), state, lab: jobOf(key).lab };
  });
  return (
    <span className="running-jobs" data-testid="running-jobs">
      {jobs.map((j) => (
        <span key={`${j.key}-${j.id}`} className={`job-chip ${j.state}`} data-testid={`running-${j.key}`}>
          {JOB_LABELS[j.key]} {j.state}
          {j.lab.id !== lab && (
            <button
              type="button"
              className="link"
              title={`open the ${j.lab.label} lab`}
              onClick={() => useAppStore.getState().labSet(j.lab.id)}
            >
              open
            </button>
          )}
          <button
            type="button"
            className="link"
            data-testid={`running-${j.key}-stop`}
            title="stop it; what it computed so far stays in its history"
            onClick={() => jobCancel(j.key)}
          >
            Stop
          </button>
        </span>
      ))}
      {memory && (
        <span
          className="muted small"
          data-testid="engine-memory"
          title={`${memory.numTensors.toLocaleString('en')} tensors: the models, optimizer state and data of the jobs above, on the device`}
        >
          {bytesFormat(memory.numBytes)} held{jobs.some((j) => j.state === 'paused') ? ' while paused' : ''}
        </span>
      )}
    </span>
  );
}
