#!/usr/bin/env node
// Particle-cloud timing in headless Chromium on each backend that starts (a first piece of the
// benchmark suite of issue #7). Usage: node bench/cloud.mjs [count] [steps]
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { build } from 'vite';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from '../scripts/chromium.mjs';

const [count = '10000', steps = '150'] = process.argv.slice(2);
const outDir = join(process.cwd(), 'node_modules', '.cache', 'bench-cloud');
await build({ root: 'bench/cloud', base: './', logLevel: 'error', build: { outDir, emptyOutDir: true } });
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer(async (req, res) => {
  try {
    const path = join(outDir, decodeURIComponent(new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html')));
    const body = await readFile(path);
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
const executablePath = chromiumPath();
if (!executablePath) throw new Error('no Chromium: see scripts/chromium.mjs');
for (const backend of ['webgpu', 'webgl', 'cpu']) {
  const extra = backend === 'webgpu' ? CHROMIUM_WEBGPU_ARGS : CHROMIUM_WEBGL_ARGS;
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_BASE_ARGS, ...extra] });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/?backend=${backend}&count=${count}&steps=${steps}&repeat=3`);
  await page.waitForFunction(() => window.benchDone === true, null, { timeout: 600_000 });
  const lines = (await page.locator('#out').textContent()).trim().split('\n').map((l) => JSON.parse(l));
  const secs = lines.map((l) => l.seconds).sort((a, b) => a - b);
  console.log(JSON.stringify({ backend: lines[0].backend, count: +count, steps: +steps, runs: 2, medianSeconds: +secs[1].toFixed(3), all: secs.map((s) => +s.toFixed(3)), tensorsLeft: lines.at(-1).tensorsLeft }));
  await browser.close();
}
server.close();
