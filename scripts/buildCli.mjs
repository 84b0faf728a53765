/**
 * Bundles the TypeScript CLI (src/cli/node.ts) into dist-cli/optiplay.cjs with esbuild, so that
 * tfjs-core loads as one module instance, as it does in Vite and Vitest. Runs at install (npm's
 * `prepare`) and when `optiplay` finds its bundle older than the sources (a developer's edit);
 * dist-cli/stamp holds the sources' newest modification time the bundle was made from.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_BUNDLE = join(ROOT, 'dist-cli', 'optiplay.cjs');
const STAMP = join(ROOT, 'dist-cli', 'stamp');
/** what the CLI is built from */
const SOURCES = ['engine', 'cli', 'labs'].map((d) => join(ROOT, 'src', d));

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(path));
    else if (/\.(ts|json)$/.test(entry.name)) t = Math.max(t, statSync(path).mtimeMs);
  }
  return t;
}

export function sourcesStamp() {
  return String(Math.floor(Math.max(...SOURCES.map(newest))));
}

/** Whether dist-cli holds a bundle of the current sources. */
export function cliBundleCurrent() {
  try {
    return readFileSync(STAMP, 'utf8') === sourcesStamp() && statSync(CLI_BUNDLE).isFile();
  } catch {
    return false;
  }
}

export async function cliBundleBuild() {
  const { build } = await import('esbuild');
  const { layerStubEsbuild } = await import('./layerStub.mjs');
  const stamp = sourcesStamp();
  mkdirSync(dirname(CLI_BUNDLE), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'src', 'cli', 'node.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'error',
    // the labs' pages are not the CLI's (scripts/layerStub.mjs)
    plugins: [layerStubEsbuild(['ui'])],
  });
  writeFileSync(STAMP, stamp);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await cliBundleBuild();
  process.stdout.write(`built ${CLI_BUNDLE}\n`);
}
