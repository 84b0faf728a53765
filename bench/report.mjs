#!/usr/bin/env node
// Turns bench/results/*.json into Markdown: a summary per results file, and the README's
// Performance table (between <!-- bench:start --> and <!-- bench:end -->), one column per backend of
// each results file. Run by bench/run.mjs; run alone to regenerate the README from stored results.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const n0 = (v) => (v == null ? '–' : Math.round(v).toLocaleString('en-US'));
const pct = (v) => `${(100 * v).toFixed(1)} %`;
const kb = (v) => `${Math.round(v / 1024).toLocaleString('en-US')} KB`;
const mark = (ok) => (ok ? '✅' : '❌');
const LAB_ORDER = ['surface', 'train', 'search', 'compress'];

/** The rows of the table: [name, target, (backend results, whole results) → cell]. */
const ROWS = [
  [
    'Training throughput: our loop ÷ `tf.LayersModel.fit` (MNIST MLP 784-128-64-10, Adam, batch 128)',
    '≥ 1.5×',
    (b) =>
      b.throughput &&
      `${mark(b.throughput.ratio >= 1.5)} ${b.throughput.ratio}× (${n0(b.throughput.oursSamplesPerSecond)} vs ${n0(b.throughput.fitSamplesPerSecond)} samples/s)`,
  ],
  [
    'Vectorised sweep: 16 learning rates as one program ÷ 16 runs in turn (circle MLP)',
    '≥ 5× on webgl',
    (b, _, name) =>
      b.sweep &&
      `${name === 'webgl' ? `${mark(b.sweep.speedup >= 5)} ` : ''}${b.sweep.speedup}× (${b.sweep.batchedSeconds} s vs ${b.sweep.sequentialSeconds} s)`,
  ],
  [
    'Particle cloud: time per step, 8 optimizers × 10,000 starts ÷ × 1 (Rosenbrock)',
    '≤ 3×',
    (b) =>
      b.cloud &&
      `${mark(b.cloud.ratio <= 3)} ${b.cloud.ratio}× (${b.cloud.msPerStep10000} vs ${b.cloud.msPerStep1} ms)`,
  ],
  [
    'Memory over 5,000 training steps (tensors, bytes: start → end; range over the epochs)',
    'exactly flat',
    (b) =>
      b.memory &&
      `${mark(b.memory.flat)} ${b.memory.tensorsStart} → ${b.memory.tensorsEnd} tensors, ${kb(b.memory.bytesStart)} → ${kb(b.memory.bytesEnd)}; ${b.memory.tensorsDuringMin}–${b.memory.tensorsDuringMax} after each epoch`,
  ],
  [
    'Memory over 10 start/stop cycles of each lab: engine tensors after cycle 1 → after cycle 10, each read once the stopped job has wound down',
    'no growth',
    (b) =>
      b.cycles &&
      `${mark(LAB_ORDER.every((l) => b.cycles[l] && b.cycles[l].growthTensors <= 0 && b.cycles[l].growthBytes <= 0))} ${LAB_ORDER.map((l) => (b.cycles[l] ? `${l} ${b.cycles[l].tensors[1]} → ${b.cycles[l].tensors[10]}` : `${l} –`)).join(', ')}`,
  ],
  [
    'Responsiveness while MNIST trains with live charts: long tasks (share of wall time), frame rate',
    '< 5 %, ≥ 20 fps',
    (b) =>
      b.responsive &&
      `${mark(b.responsive.longTaskShare < 0.05 && b.responsive.fps >= 20)} ${pct(b.responsive.longTaskShare)}, ${b.responsive.fps} fps`,
  ],
  [
    'Startup: first contentful paint / engine ready (backend running) / first race computed',
    'paint before the engine',
    (b) =>
      b.startup &&
      `${mark(b.startup.firstContentfulPaintMs < b.startup.engineReadyMs)} ${n0(b.startup.firstContentfulPaintMs)} / ${n0(b.startup.engineReadyMs)} / ${n0(b.startup.firstRaceComputedMs)} ms`,
  ],
  [
    'Startup: JS the page needs to paint (gzip); tfjs or a data set in it',
    'no tfjs, no data',
    (b) =>
      b.startup &&
      `${mark(!b.startup.tfjsInPageJs && b.startup.fetchedData.length === 0)} ${kb(b.startup.pageJsGzipBytes)}${b.startup.tfjsInPageJs ? ', tfjs included' : ', no tfjs'}${b.startup.fetchedData.length ? `, fetched ${b.startup.fetchedData.join(' ')}` : ', no data'}; the engine worker (${kb(b.startup.workerGzipBytes)}) loads beside it`,
  ],
];

function columns(all) {
  const cols = [];
  const order = (name) => ['webgpu', 'webgl', 'cpu'].indexOf(name);
  for (const r of all)
    for (const [name, b] of Object.entries(r.backends).sort(([a], [b]) => order(a) - order(b)))
      cols.push({ title: `${name} (${r.label === 'swiftshader' ? 'SwiftShader, no GPU' : r.label})`, b, r, name });
  return cols;
}

/** Backends (and the CLI) whose figures were kept from an earlier run (--keep): when, and by what. */
function measuredElsewhere(r) {
  const kept = [...Object.entries(r.backends), ['Node CLI', r.cli]].filter(
    ([, b]) => b?.measured && b.measured.date !== r.date,
  );
  const parts = Object.entries(r.backends).flatMap(([name, b]) =>
    Object.entries(b.kept ?? {}).map(([key, m]) => [`${name} ${key}`, m]),
  );
  const groups = new Map();
  for (const [name, m] of [...kept.map(([name, b]) => [name, b.measured]), ...parts]) {
    const key = `${m.date.slice(0, 10)}: \`${m.command}\``;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return [...groups].map(([key, names]) => ` From an earlier run (${key}): ${names.join(', ')}.`).join('');
}

function table(all) {
  const cols = columns(all);
  const lines = [
    `| benchmark | target | ${cols.map((c) => c.title).join(' | ')} |`,
    `| --- | --- | ${cols.map(() => '---').join(' | ')} |`,
  ];
  for (const [name, target, cell] of ROWS)
    lines.push(`| ${name} | ${target} | ${cols.map((c) => cell(c.b, c.r, c.name) ?? '–').join(' | ')} |`);
  const cli = all.filter((r) => r.cli);
  for (const r of cli) {
    lines.push(
      '',
      `Node CLI (${r.label}, tfjs CPU backend): our loop ${r.cli.oursSamplesPerSecond.toLocaleString('en-US')} samples/s against \`tf.LayersModel.fit\` ${r.cli.fitSamplesPerSecond.toLocaleString('en-US')} samples/s (${mark(r.cli.ratio >= 1.5)} ${r.cli.ratio}×); \`optiplay run bench/specs/mnist-mlp.json\` end to end, start-up included: ${r.cli.cliSeconds} s (${r.cli.cliSamplesPerSecond.toLocaleString('en-US')} samples/s).`,
    );
  }
  for (const r of all) {
    lines.push(
      '',
      `${r.label}: ${r.date.slice(0, 10)}, ${r.machine.cpu} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), ${r.machine.os}, Node ${r.machine.node}; Chromium ${r.browser?.version ?? '–'}; WebGL renderer: ${r.browser?.webgl ?? '–'}; WebGPU adapter: ${r.browser?.webgpu ?? '–'}. Medians of ${r.repeat} runs after a warm-up; \`${r.command}\`.${r.skipped.length ? ` Not run: ${r.skipped.map((s) => `${s.backend} (${s.reason})`).join('; ')}.` : ''}${r.failed?.length ? ` Failed part-way (earlier figures kept): ${r.failed.map((f) => `${f.backend} (${f.error})`).join('; ')}.` : ''}${measuredElsewhere(r)}`,
    );
  }
  return lines.join('\n');
}

export function summaryMarkdown(results) {
  return `# Benchmarks: ${results.label}\n\n${table([results])}\n`;
}

export function reportWrite(root) {
  const dir = join(root, 'bench', 'results');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => (a === 'swiftshader.json' ? -1 : b === 'swiftshader.json' ? 1 : a.localeCompare(b)))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  if (!readme.includes(start) || !readme.includes(end)) throw new Error(`README.md has no ${start} … ${end} block`);
  const next = readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table(all)}\n${end}`);
  writeFileSync(join(root, 'README.md'), next);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) reportWrite(process.cwd());
