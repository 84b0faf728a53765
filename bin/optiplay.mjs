#!/usr/bin/env node
// The optiplay command. The TypeScript CLI is bundled with esbuild on first use (cached by source
// modification time) so that tfjs-core loads as one ES-module instance, as it does in Vite and Vitest.
import { build } from 'esbuild';
import { layerStubEsbuild } from '../scripts/layerStub.mjs';
import { mkdirSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

const cacheDir = join(root, 'node_modules', '.cache', 'optiplay');
const stamp = Math.floor(Math.max(...['engine', 'cli', 'labs'].map((d) => newestSource(join(root, 'src', d)))));
const bundle = join(cacheDir, `cli-${stamp}.cjs`);
if (!existsSync(bundle)) {
  mkdirSync(cacheDir, { recursive: true });
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
}
process.env.OPTIPLAY_ROOT = root;
const { cliRun } = await import(pathToFileURL(bundle).href);
process.exitCode = await cliRun(process.argv.slice(2));
