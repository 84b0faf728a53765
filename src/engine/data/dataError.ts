/**
 * Data that cannot be used (an empty CSV, a missing column, one class, over the size limits): bad
 * input, as an invalid spec is. The CLI exits 2 on it, the app shows it where the data is chosen.
 */
export class DataError extends Error {
  override name = 'DataError';
}

/** Whether an error is bad data (also across a worker, where only the name survives). */
export function isDataError(err: unknown): boolean {
  return err instanceof DataError || (err instanceof Error && err.name === 'DataError');
}
