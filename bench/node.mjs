#!/usr/bin/env node
// The Node part of the benchmark suite: bundles bench/node.ts (one tfjs-core instance, as the CLI
// does), times our loop against tf.LayersModel.fit in one process, then times `optiplay run` on
// bench/specs/mnist-mlp.json end to end (start-up included). Usage: node bench/node.mjs [repeat]
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { median } from './stats.mjs';

const repeat = Number(process.argv[2] ?? 3);
const root = process.cwd();
const bundle = join(root, 'node_modules', '.cache', 'bench-node', 'node.cjs');
mkdirSync(join(root, 'node_modules', '.cache', 'bench-node'), { recursive: true });
await build({
  entryPoints: [join(root, 'bench', 'node.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  logLevel: 'error',
});
const { throughput } = await import(pathToFileURL(bundle).href);

await throughput('ours', 256, 1);
await throughput('fit', 256, 1);
const ours = [];
const fit = [];
for (let i = 0; i < repeat; i++) {
  ours.push(await throughput('ours', 2048, 2));
  fit.push(await throughput('fit', 2048, 2));
}
const cli = [];
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    [join(root, 'bin', 'optiplay.mjs'), 'run', join(root, 'bench', 'specs', 'mnist-mlp.json')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const seconds = (performance.now() - t0) / 1000;
  const r = JSON.parse(out);
  cli.push({
    seconds,
    samplesPerSecond: (2048 * 2) / seconds,
    testAccuracy: r.runs?.[0]?.epochs?.at(-1)?.testAccuracy ?? null,
  });
}
const o = median(ours.map((r) => r.samplesPerSecond));
const f = median(fit.map((r) => r.samplesPerSecond));
console.log(
  JSON.stringify({
    backend: 'cpu (Node)',
    oursSamplesPerSecond: Math.round(o),
    fitSamplesPerSecond: Math.round(f),
    ratio: Number((o / f).toFixed(2)),
    cliSeconds: Number(median(cli.map((c) => c.seconds)).toFixed(2)),
    cliSamplesPerSecond: Math.round(median(cli.map((c) => c.samplesPerSecond))),
    runs: { ours, fit, cli },
  }),
);
