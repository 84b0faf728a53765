// WebGL programs per training step (MNIST MLP 784-128-64-10, Adam, batch 128: the throughput
// benchmark's setup), by program class, counted in headless Chromium on SwiftShader's WebGL. On
// SwiftShader each program costs about 0.2 ms besides its arithmetic, so this count is the first
// thing to look at when the training loop gets slower. Includes the per-epoch evaluation and the
// diagnostics step every 10th step.
// Usage: node bench/programs.mjs [--n 1024] [--epochs 4]
import { join } from 'node:path';
import { chromium } from 'playwright';
import { build } from 'vite';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { serve } from './serve.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const root = process.cwd();
const dir = join(root, 'node_modules', '.cache', 'bench-page-unminified');
// unminified, so the program classes keep their names
await build({ root: 'bench/page', base: './', publicDir: join(root, 'public'), logLevel: 'error', build: { outDir: dir, emptyOutDir: true, minify: false } });
const server = await serve(dir);
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');
const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_BASE_ARGS, ...CHROMIUM_WEBGL_ARGS] });
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(`${server.url}?backend=webgl`);
  await page.waitForFunction(() => window.benchReady);
  const r = await page.evaluate(([n, epochs]) => window.bench.programs({ n, epochs }), [Number(args.n ?? 1024), Number(args.epochs ?? 4)]);
  console.log(`WebGL programs per training step: ${r.perStep.toFixed(1)} (${r.steps} steps)`);
  for (const [name, c] of Object.entries(r.counts).sort((a, b) => b[1] - a[1])) console.log(`${(c / r.steps).toFixed(1).padStart(6)}  ${name}`);
} finally {
  await browser.close();
  server.close();
}
