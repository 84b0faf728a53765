/**
 * Rows of a 2-D tensor by index, for the training loop's batches: x[rows[i], :].
 *
 * On WebGL, tf.gather is an unpacked program (one value per texel) whose output every matmul then
 * packs again: for an MNIST batch that was a 128×784 gather plus two 128×784 pack programs a step.
 * Here it is one packed program (four values per texel) that reads the data packed, as it was
 * uploaded, and takes the row indices as uniforms (no index texture). Measured on SwiftShader: a
 * 128-row gather from 1024×784 plus the matmul it feeds, see the closing note of the change.
 *
 * Registered as `OptiplayGatherRows` for webgl only; elsewhere (webgpu, cpu, Node) and for batches
 * of more than MAX_ROWS rows it is tf.gather.
 */
import * as tf from '@tensorflow/tfjs-core';

export const GATHER_ROWS = 'OptiplayGatherRows';
/** rows per call on the packed path: the indices take ⌈rows/4⌉ uniform vectors (WebGL 2 guarantees 224) */
export const GATHER_ROWS_MAX = 512;

/** WebGL: output texel (rows r, r+1; columns c, c+1) from the texels holding those columns of rows[r] and rows[r+1]. */
class GatherRowsPackedProgram {
  variableNames = ['X'];
  packedInputs = true;
  packedOutput = true;
  customUniforms: { name: string; type: 'ivec4'; arrayIndex: number }[];
  userCode: string;
  constructor(readonly outputShape: number[]) {
    const rows = outputShape[0];
    this.customUniforms = [{ name: 'rows', type: 'ivec4', arrayIndex: Math.ceil(rows / 4) }];
    this.userCode = `
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
      }`;
  }
}

interface GLBackend {
  runWebGLProgram(
    program: GatherRowsPackedProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: number[][],
  ): tf.TensorInfo;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: GATHER_ROWS,
    backendName: 'webgl',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x;
      const rows = (attrs as unknown as { rows: number[] }).rows;
      if (!x || x.shape.length !== 2 || x.dtype !== 'float32')
        throw new Error(`${GATHER_ROWS}: needs a 2-D float32 tensor`);
      const padded = new Array<number>(4 * Math.ceil(rows.length / 4)).fill(0);
      rows.forEach((r, i) => (padded[i] = r));
      return (backend as unknown as GLBackend).runWebGLProgram(
        new GatherRowsPackedProgram([rows.length, x.shape[1]]),
        [x],
        'float32',
        [padded],
      );
    },
  });
}

/** Whether the current backend has the packed row gather. */
export function gatherRowsKernel(): boolean {
  register();
  return tf.getKernel(GATHER_ROWS, tf.getBackend()) !== undefined;
}

/** x[rows, :] for a 2-D float32 x and row indices held in JavaScript. */
export function gatherRows(x: tf.Tensor2D, rows: ArrayLike<number>): tf.Tensor2D {
  for (let i = 0; i < rows.length; i++) {
    if (!(Number.isInteger(rows[i]) && rows[i] >= 0 && rows[i] < x.shape[0]))
      throw new Error(`gatherRows: row ${rows[i]} is outside 0–${x.shape[0] - 1}`);
  }
  if (rows.length > 0 && rows.length <= GATHER_ROWS_MAX && x.dtype === 'float32' && gatherRowsKernel()) {
    return tf
      .engine()
      .runKernel(GATHER_ROWS, { x }, { rows: Array.from(rows) } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  return tf.tidy(() => tf.gather(x, tf.tensor1d(Array.from(rows), 'int32')));
}

/** One case of gatherRowsCheck: the largest |gatherRows − tf.gather| over the result. */
export interface GatherRowsCase {
  label: string;
  maxAbsError: number;
}

/**
 * gatherRows against tf.gather on the current backend, on shapes that reach every branch of the
 * packed program: odd and even rows and columns, a repeated row, an odd row count (the last output
 * texel's second row is padding), a single row, and an MNIST batch. The self-test page runs it on
 * webgl, where the packed program is used; elsewhere it compares tf.gather with itself.
 */
export async function gatherRowsCheck(): Promise<{ packed: boolean; results: GatherRowsCase[] }> {
  const cases: { label: string; rows: number; cols: number; pick: number[] }[] = [
    { label: '7×5, rows 6 1 1', rows: 7, cols: 5, pick: [6, 1, 1] },
    { label: '7×5, row 3', rows: 7, cols: 5, pick: [3] },
    { label: '4×2, rows 3 2 1 0 3', rows: 4, cols: 2, pick: [3, 2, 1, 0, 3] },
    {
      label: '1024×784, 128 rows',
      rows: 1024,
      cols: 784,
      pick: Array.from({ length: 128 }, (_, i) => (i * 389 + 17) % 1024),
    },
    {
      label: '60×10, 512 rows',
      rows: 60,
      cols: 10,
      pick: Array.from({ length: GATHER_ROWS_MAX }, (_, i) => (i * 7) % 60),
    },
  ];
  const results: GatherRowsCase[] = [];
  for (const c of cases) {
    const values = Float32Array.from({ length: c.rows * c.cols }, (_, i) => Math.sin(i * 0.37) * 10 + i / 1000);
    const x = tf.tensor2d(values, [c.rows, c.cols]);
    const diff = tf.tidy(() =>
      tf.max(tf.abs(tf.sub(gatherRows(x, c.pick), tf.gather(x, tf.tensor1d(c.pick, 'int32'))))),
    );
    results.push({ label: c.label, maxAbsError: (await diff.data())[0] });
    tf.dispose([x, diff]);
  }
  return { packed: gatherRowsKernel(), results };
}
