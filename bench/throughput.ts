/**
 * The throughput benchmark, shared by the browser page and Node: our training loop against what a
 * tfjs user would write instead, a tf.LayersModel (tfjs-layers) with the same layers, tf.train.adam,
 * the same batch size and data. MNIST MLP 784-128-64-10, Adam 0.001, batch 128.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../src/engine/data/dataset';
import { trainRun } from '../src/engine/training/train';
import { trainTestConfig } from '../src/engine/training/trainTesting';

export async function throughputRun(impl: 'ours' | 'fit', train: Dataset, test: Dataset, epochs: number) {
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  let accuracy: number;
  if (impl === 'ours') {
    const r = await trainRun(
      train,
      test,
      trainTestConfig(
        { kind: 'mlp', hidden: [128, 64], activation: 'relu', init: 'he' },
        [{ name: 'adam', lr: 0.001 }],
        { batchSize: 128, epochs },
      ),
    );
    accuracy = r.models[0].epochs.at(-1)!.testAccuracy!;
  } else {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu', kernelInitializer: 'heNormal' }),
        tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const adam = tf.train.adam(0.001);
    model.compile({ optimizer: adam, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d(train.x, [train.n, 784]);
    const y = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10);
    const xt = tf.tensor2d(test.x, [test.n, 784]);
    const yt = tf.oneHot(tf.tensor1d(test.y, 'int32'), 10);
    const h = await model.fit(x, y, { batchSize: 128, epochs, shuffle: true, validationData: [xt, yt], verbose: 0 });
    accuracy = Number(h.history.val_acc.at(-1));
    tf.dispose([x, y, xt, yt]);
    model.dispose();
    adam.dispose(); // model.dispose() leaves an optimizer passed to compile (16 tensors here) to its owner
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    impl,
    backend: tf.getBackend(),
    samples: train.n * epochs,
    seconds,
    samplesPerSecond: (train.n * epochs) / seconds,
    testAccuracy: accuracy,
    tensorsLeft: tf.memory().numTensors - before,
  };
}
