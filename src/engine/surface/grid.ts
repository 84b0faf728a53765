/** The objective on a regular grid over its domain, for contour maps: one batched evaluation, one readback. */
import * as tf from '@tensorflow/tfjs-core';
import { OBJECTIVES, type ObjectiveName } from '../objectives/registry';
import { OBJECTIVE_FNS } from '../objectives/tensor';

export interface SurfaceGrid {
  nx: number;
  ny: number;
  x: [number, number];
  y: [number, number];
  /** row-major, values[j * nx + i] at x = x0 + i·dx, y = y0 + j·dy (j = 0 is the bottom row) */
  values: Float32Array;
}

export async function surfaceGrid(
  name: ObjectiveName,
  params: Record<string, number>,
  nx: number,
  ny: number,
): Promise<SurfaceGrid> {
  const { x, y } = OBJECTIVES[name].domain;
  const t = tf.tidy(() => {
    const xs = tf.linspace(x[0], x[1], nx);
    const ys = tf.linspace(y[0], y[1], ny);
    const gx = tf.tile(tf.expandDims(xs, 0), [ny, 1]);
    const gy = tf.tile(tf.expandDims(ys, 1), [1, nx]);
    const points = tf.stack([tf.reshape(gx, [-1]), tf.reshape(gy, [-1])], 1) as tf.Tensor2D;
    return OBJECTIVE_FNS[name](points, params);
  });
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return { nx, ny, x, y, values };
}
