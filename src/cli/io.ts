/** What the CLI reads and writes, so `main` runs the same in Node (node.ts) and in the tests. */

export interface CliIo {
  readStdin(): Promise<string>;
  /** a file of the app's public folder, decompressed if it ends in .gz (datasets) */
  readAsset(path: string): Promise<Uint8Array>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, text: string): Promise<void>;
  /** why `path` cannot take the result (its folder is missing or read-only, it is one of the inputs), or null */
  writable(path: string, inputs: string[]): Promise<string | null>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A lab's part of `optiplay run`: runs the spec, reports progress on stderr, returns what goes to stdout (JSON or CSV). */
export type CliHandler<S> = (
  spec: S,
  io: CliIo,
  options: { csv: boolean; csvText?: string; allowLarge?: boolean },
) => Promise<string>;
