/**
 * Runs a `train` spec: builds the dataset (seeded), splits it, and trains every run. Runs that share
 * an optimizer (and its on/off options) train together as one batched program of K models; the
 * others follow group by group. Results come back in the spec's run order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetSplit, type Dataset } from '../data/dataset';
import { irisLoad } from '../data/iris';
import { MNIST_ASSET, mnistParse } from '../data/mnist';
import { syntheticMake } from '../data/synthetic';
import { optimizerGroups } from '../optimizers/registry';
import type { TrainSpec } from '../spec/trainSchema';
import { trainRun, type TrainModelResult } from './train';

/** Reads a file from the app's public folder (fetch + gunzip in the browser, fs + zlib in Node). */
export type AssetLoader = (path: string) => Promise<Uint8Array>;

export interface TrainSpecResult {
  backend: string;
  dataset: { name: string; train: number; test: number; features: number; classes: number };
  stepsPerEpoch: number;
  runs: TrainModelResult[];
}

export async function trainDataset(spec: TrainSpec, loadAsset: AssetLoader): Promise<Dataset> {
  const { data } = spec;
  if (data.name === 'iris') return irisLoad();
  if (data.name === 'mnist') return mnistParse(await loadAsset(MNIST_ASSET), data.limit);
  return syntheticMake(data.name, { size: data.size, noise: data.noise, seed: spec.seed });
}

export async function trainSpecRun(
  spec: TrainSpec,
  loadAsset: AssetLoader,
  onEpoch?: (run: number, result: TrainModelResult) => void,
  signal?: AbortSignal,
): Promise<TrainSpecResult> {
  const { train, test } = datasetSplit(await trainDataset(spec, loadAsset), spec.data.testFraction, spec.seed);
  const runs: TrainModelResult[] = new Array(spec.runs.length);
  let stepsPerEpoch = 0;
  for (const members of optimizerGroups(spec.runs.map((r) => r.optimizer))) {
    const seen = members.map(() => 0);
    const result = await trainRun(
      train,
      test,
      {
        model: spec.model,
        optimizers: members.map((i) => spec.runs[i].optimizer),
        schedules: members.map((i) => spec.runs[i].schedule),
        initSeeds: members.map((i) => spec.runs[i].initSeed),
        seed: spec.seed,
        ...spec.training,
      },
      {
        signal,
        onEpoch: (models) =>
          models.forEach((m, k) => {
            if (m.epochs.length > seen[k]) {
              seen[k] = m.epochs.length;
              onEpoch?.(members[k], m);
            }
          }),
      },
    );
    stepsPerEpoch = result.stepsPerEpoch;
    members.forEach((i, k) => (runs[i] = result.models[k]));
  }
  return {
    backend: tf.getBackend(),
    dataset: { name: train.name.replace(' (train)', ''), train: train.n, test: test.n, features: train.nFeatures, classes: train.nClasses },
    stepsPerEpoch,
    runs,
  };
}
