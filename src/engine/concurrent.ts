/**
 * Jobs that run several loops at once (the training lab's optimizer groups) must not leave the others
 * running when one fails: `Promise.all` rejects at the first failure while the rest go on training in
 * the background, holding their tensors and the device, and report into a job that has already ended.
 */

/**
 * Runs every task with a signal of its own that follows `signal`; when one fails, the others are
 * aborted and awaited, and the first failure is thrown once all have ended.
 */
export async function concurrently<T>(
  tasks: ((signal: AbortSignal) => Promise<T>)[],
  signal?: AbortSignal,
): Promise<T[]> {
  const ac = new AbortController();
  const follow = () => ac.abort(signal?.reason);
  if (signal?.aborted) ac.abort(signal.reason);
  signal?.addEventListener('abort', follow, { once: true });
  try {
    const settled = await Promise.allSettled(
      tasks.map((task) =>
        task(ac.signal).catch((err: unknown) => {
          ac.abort(err);
          throw err;
        }),
      ),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    signal?.removeEventListener('abort', follow);
  }
}
