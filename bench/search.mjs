#!/usr/bin/env node
// Batched trials against one at a time: a 16-trial random search of the circle MLP (5 epochs of
// batch 32 each) in the search lab, headless Chromium, on webgpu and webgl; wall time from Run to
// done, twice each. Builds the app first. Usage: node bench/search.mjs [trials]
import { chromium } from '@playwright/test';
import LZString from 'lz-string';
import { preview, build } from 'vite';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from '../scripts/chromium.mjs';

const trials = Number(process.argv[2] ?? 16);
const spec = (parallel) => ({
  version: 1,
  kind: 'search',
  seed: 5,
  base: {
    data: { name: 'circle', size: 400 },
    model: { hidden: [8, 8] },
    training: { batchSize: 32, epochs: 5 },
    run: { optimizer: { name: 'adam', lr: 0.01 } },
  },
  space: [{ param: 'optimizer.lr', min: 1e-4, max: 1, scale: 'log' }],
  strategy: { name: 'random', trials, parallel },
});
await build({ logLevel: 'error' });
const server = await preview({ preview: { host: '127.0.0.1', port: 0 }, logLevel: 'error' });
const base = server.resolvedUrls.local[0];
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');
for (const backend of ['webgpu', 'webgl']) {
  const browser = await chromium.launch({
    executablePath,
    args: [...CHROMIUM_BASE_ARGS, ...(backend === 'webgpu' ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_WEBGL_ARGS)],
  });
  const seconds = { [trials]: [], 1: [] };
  let best = new Set();
  for (const parallel of [trials, 1, trials, 1]) {
    const page = await browser.newPage();
    await page.goto(
      `${base}?backend=${backend}#s=${LZString.compressToEncodedURIComponent(JSON.stringify(spec(parallel)))}`,
    );
    await page.getByTestId('backend-active').filter({ hasText: backend }).waitFor();
    const t0 = Date.now();
    await page.getByTestId('search-run').click();
    await page.locator('[data-testid="search-status"][data-status="done"]').waitFor({ timeout: 600_000 });
    seconds[parallel].push((Date.now() - t0) / 1000);
    best.add((await page.getByTestId('search-status').innerText()).match(/best: (.*?\))/)[1]);
    await page.close();
  }
  const min = (xs) => Math.min(...xs);
  console.log(
    JSON.stringify({
      backend,
      trials,
      together: seconds[trials],
      oneAtATime: seconds[1],
      speedup: +(min(seconds[1]) / min(seconds[trials])).toFixed(1),
      sameBest: best.size === 1 ? [...best][0] : [...best],
    }),
  );
  await browser.close();
}
await server.close();
