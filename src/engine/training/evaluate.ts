/** Loss and accuracy of K models on a whole set, in slices, as the loop measures them after each epoch. */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import { modelAccuracy, modelForward, modelLoss } from '../models/models';
import type { ModelShape } from '../models/shape';
import type { ParamMap } from '../optimizers/optimizer';
import { deviceDispose, deviceUpload, type DeviceData } from './deviceData';
import { EVAL_ROWS } from './steps';

/** Loss and accuracy of each model on a whole set, computed in slices of EVAL_ROWS and weighted by size. */
export async function evaluate(
  shape: ModelShape,
  params: ParamMap,
  data: DeviceData,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): Promise<{ loss: number[]; accuracy: number[] | null }> {
  const sums = tf.tidy(() => {
    let loss: tf.Tensor = tf.zeros([params['l0/w'].shape[0]]);
    let acc: tf.Tensor = tf.zerosLike(loss);
    for (let at = 0; at < data.n; at += EVAL_ROWS) {
      const size = Math.min(EVAL_ROWS, data.n - at);
      const x = tf.slice(data.x, [at, 0], [size, -1]);
      const y = tf.slice(data.y, [at], [size]);
      const out = modelForward(shape, params, x, undefined, onActivation);
      loss = tf.add(
        loss,
        tf.mul(
          modelLoss(shape, out, y, data.oneHot ? tf.slice(data.oneHot, [at, 0], [size, -1]) : null),
          size / data.n,
        ),
      );
      if (shape.head !== 'regression') acc = tf.add(acc, tf.mul(modelAccuracy(shape, out, y), size / data.n));
    }
    return tf.stack([loss, acc]);
  });
  const v = (await sums.array()) as number[][];
  sums.dispose();
  return { loss: v[0] as number[], accuracy: shape.head === 'regression' ? null : (v[1] as number[]) };
}

/** Loss and accuracy of each model on a dataset from the host (uploaded for the call), optionally with each hidden activation transformed. */
export async function trainEvaluate(
  shape: ModelShape,
  params: ParamMap,
  ds: Dataset,
  onActivation?: (h: tf.Tensor, layer: number) => tf.Tensor,
): Promise<{ loss: number[]; accuracy: number[] | null }> {
  const data = deviceUpload(ds, shape);
  try {
    return await evaluate(shape, params, data, onActivation);
  } finally {
    deviceDispose(data);
  }
}
