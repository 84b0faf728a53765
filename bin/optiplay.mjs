#!/usr/bin/env node
// The optiplay command. The TypeScript CLI is bundled with esbuild on first use (cached by source
// modification time) so that tfjs-core loads as one ES-module instance, as it does in Vite and Vitest.
import { build } from 'esbuild';
import { layerStubEsbuild } from '../scripts/layerStub.mjs';
import { accessSync, constants, mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const stamp = Math.floor(Math.max(...['engine', 'cli', 'labs'].map((d) => newestSource(join(root, 'src', d)))));
/** The first cache folder that can be written: the package's, else the system's temporary folder. */
function cacheFor() {
  for (const dir of [join(root, 'node_modules', '.cache', 'optiplay'), join(tmpdir(), 'optiplay-cli')]) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not writable: try the next
    }
  }
  return null;
}
let bundle = [join(root, 'node_modules', '.cache', 'optiplay'), join(tmpdir(), 'optiplay-cli')]
  .map((dir) => join(dir, `cli-${stamp}.cjs`))
  .find((file) => existsSync(file));
if (!bundle) {
  const cacheDir = cacheFor();
  if (!cacheDir) {
    process.stderr.write(
      'optiplay: cannot prepare the command: no writable cache folder (node_modules/.cache or the temporary folder)\n',
    );
    process.exit(1);
  }
  bundle = join(cacheDir, `cli-${stamp}.cjs`);
  try {
    await build({
      entryPoints: [join(root, 'src', 'cli', 'node.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      logLevel: 'error',
      // the labs' pages are not the CLI's (scripts/layerStub.mjs)
      plugins: [layerStubEsbuild(['ui'])],
    });
  } catch (err) {
    process.stderr.write(
      `optiplay: cannot prepare the command (bundling src/cli failed): ${err.message.split('\n')[0]}\n`,
    );
    process.exit(1);
  }
}
process.env.OPTIPLAY_ROOT = root;
const { cliRun } = await import(pathToFileURL(bundle).href);
process.exitCode = await cliRun(process.argv.slice(2));
