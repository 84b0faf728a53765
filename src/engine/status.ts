/**
 * The words the whole app uses for where a job, a run or a trial stands: one set, everywhere.
 *
 *   queued         waiting to start (a job loading its data, a trial waiting for a free slot)
 *   running        computing now (a paused job is still running, with `paused` set)
 *   done           finished as asked
 *   cancelled      stopped by the user (Cancel, Stop, a newer job replacing it)
 *   diverged       its numbers became NaN/∞ or left the sane range, at a step it names
 *   failed         could not run or broke off with an error (the message says why)
 *   early-stopped  ended before its budget by design: early stopping's patience, or a Hyperband rung
 */
export const STATUSES = ['queued', 'running', 'done', 'cancelled', 'diverged', 'failed', 'early-stopped'] as const;
export type Status = (typeof STATUSES)[number];

/** Whether nothing more will happen to it. */
export function statusFinal(s: Status): boolean {
  return s !== 'queued' && s !== 'running';
}
