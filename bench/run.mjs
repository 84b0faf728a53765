#!/usr/bin/env node
// The benchmark suite (npm run bench). In headless Chromium, on each backend that starts there
// (webgpu, webgl, cpu), and in Node for the CLI. Each figure is the median of --repeat runs after a
// warm-up run, and each ratio is taken against a baseline measured in the same run on the same
// backend. Writes bench/results/<label>.json and bench/results/<label>.md, then regenerates the
// README's Performance table (bench/report.mjs). Nothing here asserts; the targets are reported.
//
// Usage: node bench/run.mjs [--backends webgpu,webgl,cpu] [--only throughput,sweep,cloud,memory,cycles,responsive,startup,cli]
//                           [--repeat 3] [--label swiftshader] [--keep]
// --keep: backends and benchmarks not run this time keep their figures from the label's earlier
// results file (the summary says when and by which command each was measured).
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import LZString from 'lz-string';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { reportWrite, summaryMarkdown } from './report.mjs';
import { serve } from './serve.mjs';
import { median } from './stats.mjs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((acc, a, i, all) => (a.startsWith('--') && a !== '--keep' ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const BACKENDS = (args.backends ?? 'webgpu,webgl,cpu').split(',');
const ONLY = new Set((args.only ?? 'throughput,sweep,cloud,memory,cycles,responsive,startup,cli').split(','));
const REPEAT = Number(args.repeat ?? 3);
const root = process.cwd();

const round = (v, d = 3) => (Number.isFinite(v) ? Number(v.toFixed(d)) : v);
const say = (s) => process.stderr.write(`${s}\n`);

// --- static servers: the benchmark page (engine-level) and the built app (app-level) -------------
const pageDir = join(root, 'node_modules', '.cache', 'bench-page');
const appDir = join(root, 'node_modules', '.cache', 'bench-app');
say('building the benchmark page and the app');
await build({
  root: 'bench/page',
  base: './',
  publicDir: join(root, 'public'),
  logLevel: 'error',
  build: { outDir: pageDir, emptyOutDir: true },
});
await build({ base: './', logLevel: 'error', build: { outDir: appDir, emptyOutDir: true } });
const pageServer = await serve(pageDir);
const appServer = await serve(appDir);
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');

const launch = (backend) =>
  chromium.launch({
    executablePath,
    args: [...CHROMIUM_BASE_ARGS, ...(backend === 'webgpu' ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_WEBGL_ARGS)],
  });

/** What the browser says its GPU is, for the record. */
async function gpuInfo(page) {
  return page.evaluate(async () => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    const webgl = gl ? (ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : null;
    let webgpu = null;
    try {
      const a = await navigator.gpu?.requestAdapter();
      if (a)
        webgpu =
          [a.info?.vendor, a.info?.architecture, a.info?.device, a.info?.description].filter(Boolean).join(' ') ||
          'adapter (no info)';
    } catch {
      /* no WebGPU */
    }
    return { webgl, webgpu };
  });
}

/** Calls window.bench[name](params) `REPEAT` times after one warm-up, and returns every run. */
async function repeated(page, name, params, warm = params) {
  await page.evaluate(([n, p]) => window.bench[n](p), [name, warm]);
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await page.evaluate(([n, p]) => window.bench[n](p), [name, params]));
  return runs;
}

// --- engine-level benchmarks, in the benchmark page ----------------------------------------------
async function engineBenchmarks(backend, results) {
  const browser = await launch(backend);
  const page = await browser.newPage();
  page.setDefaultTimeout(900_000);
  await page.goto(`${pageServer.url}?backend=${backend}`);
  await page.waitForFunction(() => window.benchReady);
  const ready = await page.evaluate(() => window.benchReady);
  if (ready.error || ready.backend !== backend) {
    results.skipped.push({
      backend,
      reason:
        ready.error ?? `asked for ${backend}, got ${ready.backend}: ${ready.skipped.map((s) => s.reason).join('; ')}`,
    });
    await browser.close();
    return false;
  }
  results.browser ??= { version: browser.version(), ...(await gpuInfo(page)) };
  const b = (results.backends[backend] ??= {});

  if (ONLY.has('throughput')) {
    say(`[${backend}] training throughput: MNIST MLP 784-128-64-10, Adam, batch 128`);
    const ours = [];
    const fit = [];
    await page.evaluate(() => window.bench.throughput({ impl: 'ours', n: 512, epochs: 1 }));
    await page.evaluate(() => window.bench.throughput({ impl: 'fit', n: 512, epochs: 1 }));
    for (let i = 0; i < REPEAT; i++) {
      ours.push(await page.evaluate(() => window.bench.throughput({ impl: 'ours', n: 1024, epochs: 2 })));
      fit.push(await page.evaluate(() => window.bench.throughput({ impl: 'fit', n: 1024, epochs: 2 })));
    }
    const o = median(ours.map((r) => r.samplesPerSecond));
    const f = median(fit.map((r) => r.samplesPerSecond));
    b.throughput = {
      oursSamplesPerSecond: round(o, 0),
      fitSamplesPerSecond: round(f, 0),
      ratio: round(o / f, 2),
      target: '≥ 1.5× fit',
      oursTestAccuracy: round(median(ours.map((r) => r.testAccuracy))),
      fitTestAccuracy: round(median(fit.map((r) => r.testAccuracy))),
      tensorsLeft: Math.max(...ours.map((r) => r.tensorsLeft), ...fit.map((r) => r.tensorsLeft)),
      runs: { ours, fit },
    };
  }
  if (ONLY.has('sweep')) {
    say(`[${backend}] vectorised sweep: 16 learning rates of the circle MLP, batched against sequential`);
    const batched = await repeated(page, 'sweep', { mode: 'batched' }, { mode: 'batched', runs: 2 });
    const sequential = [];
    for (let i = 0; i < REPEAT; i++)
      sequential.push(await page.evaluate(() => window.bench.sweep({ mode: 'sequential' })));
    const tb = median(batched.map((r) => r.seconds));
    const ts = median(sequential.map((r) => r.seconds));
    const same = batched[0].finalLoss.every(
      (v, i) =>
        Math.abs(v - sequential[0].finalLoss[i]) <= 1e-3 * Math.max(1, Math.abs(v)) ||
        (!Number.isFinite(v) && !Number.isFinite(sequential[0].finalLoss[i])),
    );
    b.sweep = {
      batchedSeconds: round(tb),
      sequentialSeconds: round(ts),
      speedup: round(ts / tb, 2),
      target: '≥ 5× on webgl',
      sameFinalLosses: same,
      runs: { batched, sequential },
    };
  }
  if (ONLY.has('cloud')) {
    say(`[${backend}] particle cloud: 8 optimizers × 10,000 starts against × 1 on Rosenbrock`);
    const many = await repeated(page, 'cloud', { count: 10000 }, { count: 10000, steps: 20 });
    const one = await repeated(page, 'cloud', { count: 1 }, { count: 1, steps: 20 });
    const m = median(many.map((r) => r.msPerStep));
    const s = median(one.map((r) => r.msPerStep));
    b.cloud = {
      msPerStep10000: round(m, 2),
      msPerStep1: round(s, 2),
      ratio: round(m / s, 2),
      target: '≤ 3× the single start',
      runs: { many, one },
    };
  }
  if (ONLY.has('memory')) {
    say(`[${backend}] memory over 5,000 training steps`);
    const r = await page.evaluate(() => window.bench.memory({ steps: 5000 }));
    b.memory = {
      steps: r.steps,
      tensorsStart: r.start.tensors,
      tensorsEnd: r.end.tensors,
      bytesStart: r.start.bytes,
      bytesEnd: r.end.bytes,
      tensorsDuringMin: r.during.tensorsMin,
      tensorsDuringMax: r.during.tensorsMax,
      bytesDuringMin: r.during.bytesMin,
      bytesDuringMax: r.during.bytesMax,
      readbacks: r.samples,
      flat:
        r.start.tensors === r.end.tensors &&
        r.start.bytes === r.end.bytes &&
        r.during.tensorsMin === r.during.tensorsMax &&
        r.during.bytesMin === r.during.bytesMax,
      target: 'exactly flat',
    };
  }
  await browser.close();
  return true;
}

// --- app-level benchmarks, in the built app ------------------------------------------------------
const specLink = (spec) => `#s=${LZString.compressToEncodedURIComponent(JSON.stringify(spec))}`;
const appOpen = async (page, backend, hash = '') => {
  await page.goto(`${appServer.url}?backend=${backend}${hash}`);
  await page.locator(`[data-testid="backend-active"]:text-is("${backend}")`).waitFor({ timeout: 120_000 });
};
const memoryNow = (page) => page.evaluate(() => window.optiplay.memory());

/** Clicks a button that is only there while a job runs; gone (the job ended first) is fine. */
const clickIfThere = async (page, testId) => {
  const button = page.getByTestId(testId);
  if (await button.isVisible()) await button.click({ timeout: 2_000 }).catch(() => {});
};

/** 10 start/stop cycles of each lab through its own buttons; the engine's memory after each. */
async function cycles(page, backend) {
  const out = {};
  const idle = async (status) =>
    page.locator(`[data-testid="${status}"]:not([data-status="running"])`).waitFor({ timeout: 300_000 });
  const labs = {
    surface: async (i) => {
      await page.getByTestId(i % 2 ? 'lesson-basins' : 'lesson-valley').click();
      await page
        .locator('[data-testid^="run-status-"]', { hasText: 'computing' })
        .first()
        .waitFor({ state: 'detached', timeout: 120_000 })
        .catch(() => {});
      await page.getByTestId('play').click();
      await page.waitForTimeout(300);
      await page.getByTestId('pause').click();
    },
    train: async () => {
      await page.getByTestId('train-start').click();
      await page.waitForTimeout(1500);
      // a fast backend may have finished already: Stop is only there while it trains, and it may
      // finish between the check and the click (a click on a vanished button would wait out the
      // page's default timeout, minutes)
      await clickIfThere(page, 'train-stop');
    },
    search: async () => {
      await page.getByTestId('search-run').click();
      await page.waitForTimeout(1500);
      await clickIfThere(page, 'search-cancel');
      await idle('search-status');
    },
    compress: async () => {
      await page.getByTestId('compress-run').click();
      await page.waitForTimeout(2000);
      await clickIfThere(page, 'compress-cancel');
      await idle('compress-status');
    },
  };
  for (const [lab, cycle] of Object.entries(labs)) {
    await appOpen(page, backend);
    await page.getByTestId(`lab-${lab}`).click();
    const series = [await memoryNow(page)];
    const windDown = [];
    for (let i = 0; i < 10; i++) {
      await cycle(i);
      // the UI shows "cancelled" at once; the engine's job gives its tensors back when its current
      // step or evaluation ends: wait for no job to be running (how long that took is reported)
      const t0 = Date.now();
      let m = await memoryNow(page);
      while (m.jobs > 0 && Date.now() - t0 < 60_000) {
        await page.waitForTimeout(50);
        m = await memoryNow(page);
      }
      windDown.push(Date.now() - t0);
      series.push(m);
    }
    // after the first cycle, data sets and compiled programs are cached: growth is measured from there
    out[lab] = {
      tensors: series.map((m) => m.numTensors),
      bytes: series.map((m) => m.numBytes),
      growthTensors: series[10].numTensors - series[1].numTensors,
      growthBytes: series[10].numBytes - series[1].numBytes,
      windDownMs: windDown,
    };
    say(`[${backend}] ${lab}: tensors ${out[lab].tensors.join(' ')}`);
  }
  return out;
}

/** Long tasks and frame rate on the main thread while MNIST trains with the live charts. */
async function responsive(page, backend) {
  const spec = {
    version: 1,
    kind: 'train',
    seed: 1,
    data: { name: 'mnist', limit: 4000 },
    model: { kind: 'mlp', hidden: [128, 64], activation: 'relu', init: 'he' },
    training: { batchSize: 64, epochs: 30 },
    runs: [{ optimizer: { name: 'adam', lr: 0.001 } }, { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 } }],
  };
  await page.addInitScript(() => {
    window.perf = { long: [], frames: [], chartMutations: 0 };
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => window.perf.long.push([e.startTime, e.duration])),
    ).observe({ type: 'longtask', buffered: true });
    const tick = (t) => {
      window.perf.frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new MutationObserver((ms) => {
      window.perf.chartMutations += ms.filter(
        (m) => m.target instanceof Element && m.target.closest?.('.recharts-wrapper'),
      ).length;
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await appOpen(page, backend, specLink(spec));
  await page
    .locator('[data-testid="train-status"]', { hasText: /epoch [1-9]/ })
    .waitFor({ timeout: 300_000 })
    .catch(() => {});
  const windowMs = 15_000;
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(windowMs);
  const r = await page.evaluate(
    ([from, to]) => {
      const long = window.perf.long.filter(([s]) => s >= from && s < to);
      const frames = window.perf.frames.filter((t) => t >= from && t < to);
      return {
        longTaskMs: long.reduce((a, [, d]) => a + d, 0),
        longTasks: long.length,
        frames: frames.length,
        status: document.querySelector('[data-testid="train-status"]')?.textContent ?? '',
      };
    },
    [t0, t0 + windowMs],
  );
  const mutationsEnd = await page.evaluate(() => window.perf.chartMutations);
  return {
    windowSeconds: windowMs / 1000,
    longTaskShare: round(r.longTaskMs / windowMs, 4),
    longTasks: r.longTasks,
    fps: round(r.frames / (windowMs / 1000), 1),
    chartMutations: mutationsEnd,
    trainStatus: r.status.trim(),
    target: '< 5% long tasks, ≥ 20 fps',
  };
}

/** First paint, first render of the UI, engine ready, first race computed; the page's JS and its gzip size. */
async function startup(browser, backend) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${appServer.url}?backend=${backend}`);
  await page.getByTestId('lab-surface').waitFor();
  const uiMs = Date.now() - t0;
  await page.locator(`[data-testid="backend-active"]:text-is("${backend}")`).waitFor({ timeout: 120_000 });
  const engineReady = await page.evaluate(() => performance.now());
  await page.locator('[data-testid^="run-status-"]').first().waitFor();
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid^="run-status-"]')].every((e) => !/computing/.test(e.textContent)),
    null,
    { timeout: 120_000 },
  );
  const r = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    const res = performance
      .getEntriesByType('resource')
      .map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, type: e.initiatorType }));
    return { fcp, now: performance.now(), res };
  });
  r.engineReady = engineReady;
  const gz = (path) => gzipSync(readFileSync(join(appDir, path))).length;
  // what the document needs before it can paint: its entry script and the modules it preloads
  const html = readFileSync(join(appDir, 'index.html'), 'utf8');
  const pageJs = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const js = r.res.filter((e) => e.name.endsWith('.js'));
  const worker = readdirSync(join(appDir, 'assets')).find((f) => f.startsWith('engine.worker'));
  const workerEntry = r.res.find((e) => worker && e.name.endsWith(worker));
  await context.close();
  return {
    firstContentfulPaintMs: round(r.fcp, 0),
    uiRenderedMs: uiMs,
    firstRaceComputedMs: round(r.now, 0),
    engineReadyMs: round(r.engineReady, 0),
    workerScriptLoadedMs: workerEntry ? round(workerEntry.end, 0) : null,
    pageJs,
    pageJsGzipBytes: pageJs.reduce((a, f) => a + gz(f), 0),
    jsFetchedGzipBytes: js.reduce((a, e) => a + gz(e.name.replace(/^\//, '')), 0),
    workerGzipBytes: worker ? gz(`assets/${worker}`) : null,
    // tfjs-core's environment module (its flag parser) is in every bundle that holds tfjs-core
    tfjsInPageJs: pageJs.some((f) => readFileSync(join(appDir, f), 'utf8').includes('tfjsflags')),
    fetchedData: r.res.filter((e) => /\/data\//.test(e.name)).map((e) => e.name),
    target: 'first paint does not wait for tfjs kernels or data sets the open page does not use',
  };
}

async function appBenchmarks(backend, results) {
  const b = (results.backends[backend] ??= {});
  const browser = await launch(backend);
  if (ONLY.has('startup')) {
    say(`[${backend}] startup`);
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await startup(browser, backend));
    const med = (k) => median(runs.map((r) => r[k]));
    b.startup = {
      ...runs[0],
      firstContentfulPaintMs: med('firstContentfulPaintMs'),
      uiRenderedMs: med('uiRenderedMs'),
      engineReadyMs: med('engineReadyMs'),
      firstRaceComputedMs: med('firstRaceComputedMs'),
    };
  }
  if (ONLY.has('cycles')) {
    say(`[${backend}] 10 start/stop cycles of each lab`);
    const page = await browser.newPage();
    page.setDefaultTimeout(300_000);
    b.cycles = await cycles(page, backend);
    await page.close();
  }
  if (ONLY.has('responsive')) {
    say(`[${backend}] responsiveness while MNIST trains`);
    // one 15-second window varies a lot on a 2-core machine (6–9 % long tasks in three tries): the
    // median of REPEAT windows, each in a fresh page
    const runs = [];
    for (let i = 0; i < REPEAT; i++) {
      const page = await browser.newPage();
      runs.push(await responsive(page, backend));
      await page.close();
    }
    b.responsive = {
      ...runs[0],
      longTaskShare: median(runs.map((r) => r.longTaskShare)),
      fps: median(runs.map((r) => r.fps)),
      longTasks: median(runs.map((r) => r.longTasks)),
      runs,
    };
  }
  await browser.close();
}

// --- the CLI, in Node -----------------------------------------------------------------------------
function cliBenchmark() {
  say(
    '[node] optiplay run: MNIST MLP 784-128-64-10, Adam, batch 128 (CPU backend), and tf.LayersModel.fit in the same process',
  );
  const out = execFileSync(process.execPath, [join(root, 'bench', 'node.mjs'), String(REPEAT)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

// --- run -------------------------------------------------------------------------------------------
const results = {
  label: args.label ?? null,
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  repeat: REPEAT,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  },
  browser: null,
  skipped: [],
  backends: {},
  cli: null,
};
try {
  for (const backend of BACKENDS) {
    // a benchmark that fails is recorded and the run goes on: what was measured before it is kept
    try {
      const started = await engineBenchmarks(backend, results);
      if (started) await appBenchmarks(backend, results);
    } catch (err) {
      say(`[${backend}] failed: ${err.message.split('\n')[0]}`);
      (results.failed ??= []).push({ backend, error: err.message.split('\n')[0] });
    }
  }
  if (ONLY.has('cli')) results.cli = cliBenchmark();
} finally {
  pageServer.close();
  appServer.close();
}
const gpu = `${results.browser?.webgl ?? ''} ${results.browser?.webgpu ?? ''}`;
results.label ??= /swiftshader/i.test(gpu) || !results.browser ? 'swiftshader' : 'gpu';
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
const resultsFile = join(root, 'bench', 'results', `${results.label}.json`);
for (const b of Object.values(results.backends)) b.measured = { date: results.date, command: results.command };
if (process.argv.includes('--keep') && existsSync(resultsFile)) {
  const earlier = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const [name, b] of Object.entries(earlier.backends)) {
    const when = b.measured ?? { date: earlier.date, command: earlier.command };
    const now = results.backends[name];
    if (!now) {
      results.backends[name] = { ...b, measured: when };
      continue;
    }
    // a backend run again with --only: its benchmarks not run this time keep their earlier figures
    for (const [key, value] of Object.entries(b)) {
      if (key in now || key === 'measured' || key === 'kept') continue;
      now[key] = value;
      (now.kept ??= {})[key] = b.kept?.[key] ?? when;
    }
  }
  // what this browser could not report (no WebGPU adapter in a webgl-only run) comes from the earlier one
  if (earlier.browser)
    results.browser = {
      ...earlier.browser,
      ...Object.fromEntries(Object.entries(results.browser ?? {}).filter(([, v]) => v !== null && v !== undefined)),
    };
  if (!results.cli && earlier.cli)
    results.cli = {
      ...earlier.cli,
      measured: earlier.cli.measured ?? { date: earlier.date, command: earlier.command },
    };
}
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(root, 'bench', 'results', `${results.label}.md`), summaryMarkdown(results));
reportWrite(root);
say(`wrote bench/results/${results.label}.json and .md; README table updated`);
process.stdout.write(summaryMarkdown(results));
