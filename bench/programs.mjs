// GPU programs per step, by program class, counted in headless Chromium on SwiftShader. On SwiftShader
// each program costs about 0.2 ms besides its arithmetic, so this count is the first thing to look at
// when a loop gets slower.
//   --workload train (default): a training step of the throughput benchmark (MNIST MLP 784-128-64-10,
//     Adam, batch 128), the per-epoch evaluation and the diagnostics step every 10th step included.
//   --workload cloud: a step of the particle cloud (Rosenbrock; every optimizer, or --optimizers a,b).
// Usage: node bench/programs.mjs [--backend webgl|webgpu] [--workload train|cloud] [--n 1024] [--epochs 4]
//        [--count 1] [--steps 50] [--optimizers sgd,adam]
import { join } from 'node:path';
import { chromium } from 'playwright';
import { build } from 'vite';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { serve } from './serve.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const root = process.cwd();
const dir = join(root, 'node_modules', '.cache', 'bench-page-unminified');
// unminified, so the program classes keep their names
await build({
  root: 'bench/page',
  base: './',
  publicDir: join(root, 'public'),
  logLevel: 'error',
  build: { outDir: dir, emptyOutDir: true, minify: false },
});
const server = await serve(dir);
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');
const backend = args.backend ?? 'webgl';
const workload = args.workload ?? 'train';
const browser = await chromium.launch({
  executablePath,
  args: [...CHROMIUM_BASE_ARGS, ...(backend === 'webgpu' ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_WEBGL_ARGS)],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(`${server.url}?backend=${backend}`);
  const ready = await page.waitForFunction(() => window.benchReady).then((h) => h.jsonValue());
  if (ready.backend !== backend) throw new Error(`asked for ${backend}, got ${JSON.stringify(ready)}`);
  const options = {
    workload,
    n: Number(args.n ?? 1024),
    epochs: Number(args.epochs ?? 4),
    count: Number(args.count ?? 1),
    steps: Number(args.steps ?? 50),
    optimizers: args.optimizers?.split(','),
  };
  const r = await page.evaluate((o) => window.bench.programs(o), options);
  console.log(
    `${backend} programs per ${workload === 'cloud' ? `cloud step (${options.optimizers?.length ?? 8} optimizers × ${options.count} starts)` : 'training step'}: ${r.perStep.toFixed(1)} (${r.steps} steps)`,
  );
  for (const [name, c] of Object.entries(r.counts).sort((a, b) => b[1] - a[1]))
    console.log(`${(c / r.steps).toFixed(1).padStart(6)}  ${name}`);
} finally {
  await browser.close();
  server.close();
}
