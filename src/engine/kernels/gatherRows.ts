/**
 * `OptiplayGatherRows`: x[rows, :] of a 2-D tensor for the training loop's batches, with the row
 * indices as uniforms. On WebGL tf.gather is an unpacked program whose output every matmul then packs
 * again (for an MNIST batch, a 128×784 gather plus two packs a step); this is one packed program that
 * reads the data packed, as it was uploaded. webgl only; elsewhere, and above 512 rows, tf.gather.
 */
import * as tf from '@tensorflow/tfjs-core';
import { defineKernel, type HostArray } from './kernel';

/** rows per call on the packed path: the indices take ⌈rows/4⌉ uniform vectors (WebGL 2 guarantees 224) */
export const GATHER_ROWS_MAX = 512;

export interface GatherAttrs {
  rows: number[];
}

/** WebGL: output texel (rows r, r+1; columns c, c+1) from the texels holding those columns of rows[r] and rows[r+1]. */
function gatherWebGL(outputShape: number[]) {
  const rows = outputShape[0];
  return {
    variableNames: ['X'],
    packedInputs: true,
    packedOutput: true,
    outputShape,
    customUniforms: [{ name: 'rows', type: 'ivec4' as const, arrayIndex: Math.ceil(rows / 4) }],
    userCode: `
      int rowAt(int i) {
        return rows[i / 4][i - 4 * (i / 4)];
      }
      void main() {
        ivec2 rc = getOutputCoords();
        int r0 = rowAt(rc.x);
        int r1 = rowAt(min(rc.x + 1, ${rows - 1}));
        vec4 a = getX(r0, rc.y);
        vec4 b = getX(r1, rc.y);
        vec2 top = r0 - 2 * (r0 / 2) == 0 ? a.xy : a.zw;
        // an odd row count: the last texel's second row is padding, zero as in tfjs's packed programs
        vec2 bottom = rc.x + 1 >= ${rows} ? vec2(0.0) : r1 - 2 * (r1 / 2) == 0 ? b.xy : b.zw;
        setOutput(vec4(top, bottom));
      }`,
  };
}

function gatherCase(label: string, rows: number, cols: number, pick: number[]) {
  const values = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 10 + i / 1000);
  return { label, inputs: { x: { shape: [rows, cols], values } as HostArray }, attrs: { rows: pick }, tolerance: 0 };
}

export const gatherRowsKernel = defineKernel<GatherAttrs>({
  name: 'OptiplayGatherRows',
  summary: 'rows of a 2-D tensor by index, x[rows, :]',
  inputs: ['x'],
  fits: ({ x }, { rows }) => x.rank === 2 && rows.length > 0 && rows.length <= GATHER_ROWS_MAX,
  reference: ({ x }, { rows }) => tf.gather(x, tf.tensor1d(rows, 'int32')),
  webgl: ({ x }, { rows }, backend) => {
    const padded = new Array<number>(4 * Math.ceil(rows.length / 4)).fill(0);
    rows.forEach((r, i) => (padded[i] = r));
    return backend.runWebGLProgram(gatherWebGL([rows.length, x.shape[1]]), [x], 'float32', [padded]);
  },
  naive: ({ x }, { rows }) => {
    const cols = x.shape[1];
    const out = new Float32Array(rows.length * cols);
    rows.forEach((r, i) => out.set(x.values.subarray(r * cols, (r + 1) * cols), i * cols));
    return [out];
  },
  // every branch of the packed program: odd and even rows and columns, a repeated row, an odd row
  // count (the last texel's second row is padding), a single row, an MNIST batch, the most rows
  cases: () => [
    gatherCase('7×5, rows 6 1 1', 7, 5, [6, 1, 1]),
    gatherCase('7×5, row 3', 7, 5, [3]),
    gatherCase('4×2, rows 3 2 1 0 3', 4, 2, [3, 2, 1, 0, 3]),
    gatherCase(
      '1024×784, 128 rows',
      1024,
      784,
      Array.from({ length: 128 }, (_, i) => (i * 389 + 17) % 1024),
    ),
    gatherCase(
      '60×10, 512 rows',
      60,
      10,
      Array.from({ length: GATHER_ROWS_MAX }, (_, i) => (i * 7) % 60),
    ),
  ],
});

/** x[rows, :] for a 2-D float32 x and row indices held in JavaScript. */
export function gatherRows(x: tf.Tensor2D, rows: ArrayLike<number>): tf.Tensor2D {
  for (let i = 0; i < rows.length; i++) {
    if (!(Number.isInteger(rows[i]) && rows[i] >= 0 && rows[i] < x.shape[0])) {
      throw new Error(`gatherRows: row ${rows[i]} is outside 0–${x.shape[0] - 1}`);
    }
  }
  return tf.tidy(() => gatherRowsKernel.run({ x }, { rows: Array.from(rows) })[0] as tf.Tensor2D);
}
