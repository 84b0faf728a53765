/** Helpers shared by the engine's unit tests (Vitest, tfjs CPU backend). */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from './backend';

export async function testingUseCpu(): Promise<void> {
  tf.env().set('PROD', true); // quiet: no "install tfjs-node" notice
  await backendSelect('cpu');
}

/** Max of |a − b| / max(1, |b|) over two equally long arrays. */
export function testingMaxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  }
  return worst;
}

export function testingTensorCount(): number {
  return tf.memory().numTensors;
}
