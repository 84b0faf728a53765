/**
 * The throughput benchmark in Node, on the tfjs CPU backend: our training loop against
 * tf.LayersModel.fit (tfjs-layers), MNIST MLP 784-128-64-10, Adam, batch 128, 2,048 digits, 2 epochs.
 * Bundled and run by bench/node.mjs; prints one JSON line per run.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { datasetSplit } from '../src/engine/data/dataset';
import { MNIST_ASSET, mnistParse } from '../src/engine/data/mnist';
import { trainRun } from '../src/engine/training/train';
import { trainTestConfig } from '../src/engine/training/trainTesting';

export async function throughput(impl: 'ours' | 'fit', n: number, epochs: number) {
  await tf.setBackend('cpu');
  const all = mnistParse(new Uint8Array(gunzipSync(readFileSync(`public/${MNIST_ASSET}`))), Math.round(n * 1.25));
  const { train, test } = datasetSplit(all, 0.2, 1);
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  let accuracy: number;
  if (impl === 'ours') {
    const r = await trainRun(train, test, trainTestConfig({ kind: 'mlp', hidden: [128, 64], activation: 'relu', init: 'he' }, [{ name: 'adam', lr: 0.001 }], { batchSize: 128, epochs }));
    accuracy = r.models[0].epochs.at(-1)!.testAccuracy!;
  } else {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: 'heNormal' }),
        tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d(train.x, [train.n, 784]);
    const y = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10);
    const xt = tf.tensor2d(test.x, [test.n, 784]);
    const yt = tf.oneHot(tf.tensor1d(test.y, 'int32'), 10);
    const h = await model.fit(x, y, { batchSize: 128, epochs, shuffle: true, validationData: [xt, yt], verbose: 0 });
    accuracy = Number(h.history.val_acc.at(-1));
    tf.dispose([x, y, xt, yt]);
    model.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { impl, backend: tf.getBackend(), samples: train.n * epochs, seconds, samplesPerSecond: (train.n * epochs) / seconds, testAccuracy: accuracy, tensorsLeft: tf.memory().numTensors - before };
}
