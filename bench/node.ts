/**
 * The throughput benchmark (throughput.ts) in Node, on the tfjs CPU backend: 2,048 digits, 2 epochs.
 * Bundled and run by bench/node.mjs; prints one JSON line per run.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { datasetSplit } from '../src/engine/data/dataset';
import { MNIST_ASSET, mnistParse } from '../src/engine/data/mnist';
import { throughputRun } from './throughput';

export async function throughput(impl: 'ours' | 'fit', n: number, epochs: number) {
  await tf.setBackend('cpu');
  const all = mnistParse(new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`))), Math.round(n * 1.25));
  const { train, test } = datasetSplit(all, 0.2, 1);
  return throughputRun(impl, train, test, epochs);
}
