#!/usr/bin/env node
// Particle-cloud timing in headless Chromium on each backend that starts (a first piece of the
// benchmark suite of issue #7). Usage: node bench/cloud.mjs [count] [steps]
import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { build } from 'vite';
import { serve } from './serve.mjs';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from '../scripts/chromium.mjs';

const [count = '10000', steps = '150'] = process.argv.slice(2);
const outDir = join(process.cwd(), 'node_modules', '.cache', 'bench-cloud');
await build({ root: 'bench/cloud', base: './', logLevel: 'error', build: { outDir, emptyOutDir: true } });
const server = await serve(outDir);
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');
for (const backend of ['webgpu', 'webgl', 'cpu']) {
  const extra = backend === 'webgpu' ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_WEBGL_ARGS;
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_BASE_ARGS, ...extra] });
  const page = await browser.newPage();
  await page.goto(`${server.url}?backend=${backend}&count=${count}&steps=${steps}&repeat=3`);
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 600_000 });
  const lines = (await page.locator('#out').textContent())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const secs = lines.map((l) => l.seconds).sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      backend: lines[0].backend,
      count: +count,
      steps: +steps,
      runs: 2,
      medianSeconds: +secs[1].toFixed(3),
      all: secs.map((s) => +s.toFixed(3)),
      tensorsLeft: lines.at(-1).tensorsLeft,
    }),
  );
  await browser.close();
}
server.close();
