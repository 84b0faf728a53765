/**
 * The data on the device and the order of its batches. The data is uploaded once; each epoch a
 * seeded permutation (one small upload) orders the rows, and each batch is gathered on the device:
 * with one order for every model by a packed row gather (kernels/gatherRows.ts) from indices held in
 * JavaScript, with an order per model (repeats over seeds) as [K, B, …] in one gather.
 */
import * as tf from '@tensorflow/tfjs-core';
import { datasetPermutation, type Dataset } from '../data/dataset';
import { gatherRows } from '../kernels/gatherRows';
import type { ModelShape } from '../models/shape';
import { randomCreate, randomMixSeed } from '../random';
import type { BatchRows } from './types';

export interface DeviceData {
  x: tf.Tensor2D;
  y: tf.Tensor1D;
  oneHot: tf.Tensor2D | null;
  n: number;
}

/**
 * The data as tensors. Everything is made from JavaScript values (the one-hot labels too), so on
 * WebGL each is uploaded in the layout of its first use: packed when that is the packed row gather.
 */
export function deviceUpload(ds: Dataset, shape: ModelShape): DeviceData {
  let oneHot: tf.Tensor2D | null = null;
  if (shape.head === 'multiclass') {
    const values = new Float32Array(ds.n * ds.nClasses);
    for (let i = 0; i < ds.n; i++) values[i * ds.nClasses + ds.y[i]] = 1;
    oneHot = tf.tensor2d(values, [ds.n, ds.nClasses]);
  }
  return { x: tf.tensor2d(ds.x, [ds.n, ds.nFeatures]), y: tf.tensor1d(ds.y), oneHot, n: ds.n };
}

export function deviceDispose(d: DeviceData): void {
  tf.dispose([d.x, d.y, ...(d.oneHot ? [d.oneHot] : [])]);
}

/** Each epoch's seeded order of the training rows: one for every model, or one per model (`shuffleSeeds` differ). */
export class BatchOrder {
  /** whether each model has its own order */
  readonly perModel: boolean;
  private shared: Int32Array | null = null;
  private order: tf.Tensor | null = null;

  constructor(
    private readonly data: DeviceData,
    private readonly shuffleSeeds: number[],
    private readonly batchSize: number,
  ) {
    this.perModel = shuffleSeeds.some((s) => s !== shuffleSeeds[0]);
  }

  /** Draws epoch `epoch`'s order (the permutation of seed s at that epoch, as every tool draws it). */
  epochStart(epoch: number): void {
    this.order?.dispose();
    const perm = (s: number) => datasetPermutation(this.data.n, randomCreate(randomMixSeed(s, epoch)));
    this.shared = this.perModel ? null : perm(this.shuffleSeeds[0]);
    this.order = this.shared
      ? tf.tensor1d(this.shared, 'int32')
      : tf.tensor2d(
          Int32Array.from(this.shuffleSeeds.flatMap((s) => Array.from(perm(s)))),
          [this.shuffleSeeds.length, this.data.n],
          'int32',
        );
  }

  /** Rows in batch b (the last may be smaller). */
  size(b: number): number {
    return Math.min(this.batchSize, this.data.n - b * this.batchSize);
  }

  /**
   * Batch b's inputs and one-hot labels; `labels` also gathers the class indices or targets, and
   * `indices` the rows' indices (call inside tf.tidy).
   */
  batch(b: number, want: { labels: boolean; indices: boolean }): BatchRows & { y: tf.Tensor1D | tf.Tensor2D | null } {
    const at = b * this.batchSize;
    const size = this.size(b);
    const K = this.shuffleSeeds.length;
    const rows = this.shared?.subarray(at, at + size);
    const idx =
      rows && !want.indices
        ? null
        : this.perModel
          ? tf.slice(this.order!, [0, at], [K, size])
          : tf.slice(this.order!, [at], [size]);
    const x = (rows ? gatherRows(this.data.x, rows) : tf.gather(this.data.x, idx!)) as tf.Tensor2D | tf.Tensor3D;
    const oneHot = this.data.oneHot
      ? ((rows ? gatherRows(this.data.oneHot, rows) : tf.gather(this.data.oneHot, idx!)) as tf.Tensor2D | tf.Tensor3D)
      : null;
    const y = want.labels
      ? (tf.gather(this.data.y, idx ?? tf.tensor1d(rows!, 'int32')) as tf.Tensor1D | tf.Tensor2D)
      : null;
    return { x, oneHot, y, indices: idx as tf.Tensor1D | tf.Tensor2D | null };
  }

  dispose(): void {
    this.order?.dispose();
    this.order = null;
  }
}
