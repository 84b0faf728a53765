/** Helpers shared by the engine's unit tests (Vitest, tfjs CPU backend). */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from './backend';
import { maxRelError } from './checks/compare';

export async function testingUseCpu(): Promise<void> {
  tf.env().set('PROD', true); // quiet: no "install tfjs-node" notice
  await backendSelect('cpu');
}

/** Max of |a − b| / max(1, |b|) over two equally long arrays. */
export const testingMaxRelError = maxRelError;

export function testingTensorCount(): number {
  return tf.memory().numTensors;
}
