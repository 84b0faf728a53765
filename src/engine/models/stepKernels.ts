/**
 * The training step's own GPU programs on webgl and webgpu: the classifier's loss, its accuracy and
 * their gradient, the dense layer's relu and bias gradients, and the step's diagnostics.
 *
 * On SwiftShader every GPU program costs about 0.2 ms of fixed overhead besides its arithmetic
 * (measured: 109 → 69 programs per MNIST step took the step from 45 to 37 ms), so for the small
 * tensors of a training step the number of programs, not their arithmetic, sets the pace.
 *
 * Written with tf ops, softmax cross-entropy of K models' logits z [K, B, C] against one-hot labels y
 * is logSumExp (max, subtract, exp, sum, log, add), the product with y, a sum and a division, and the
 * batch accuracy is argMax, equal, cast and mean: on WebGL about 25 programs a step once the
 * reductions' pack and unpack programs are counted. Here:
 *
 *   OptiplayXentStats  [2, K]: row 0 the mean cross-entropy −(1/B)·Σ_b Σ_c y·log softmax(z), row 1
 *                      the share of rows whose first largest logit has y = 1 (tf.argMax's tie rule);
 *                      each output value loops over the whole batch (B ≤ STEP_MAX_ROWS).
 *   OptiplayXentGrad   [K, B, C]: (softmax(z) − y)·dy_k / B, the gradient of row 0.
 *   OptiplayReluGrad   dy·[y > 0] for a relu layer's output y: tf.step and tf.mul in one program.
 *   OptiplayBiasGrad   Σ_b dz [K, 1, C], a dense layer's bias gradient: one program where a matmul
 *                      by a row of ones needs three (fill, pack, matmul).
 *   OptiplayStepDiagnostics  [1 + L, K]: the gradient norm and each layer's update ratio of a
 *                      diagnostics step, one program (two on WebGPU past its 8 storage buffers)
 *                      where tf ops spend about sixty.
 *
 * A NaN or ±∞ logit makes that model's loss NaN, as with tf ops, so the loop still marks the run as
 * diverged. Registered for webgl and webgpu; on cpu (and in Node) `stepKernelsOn()` is false and
 * models.ts keeps its tf-op path, which `stepKernelsCheck` compares these against.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FlatWebGPUProgram } from '../webgpuProgram';

export const XENT_STATS = 'OptiplayXentStats';
export const XENT_GRAD = 'OptiplayXentGrad';
export const RELU_GRAD = 'OptiplayReluGrad';
export const BIAS_GRAD = 'OptiplayBiasGrad';
/** The largest batch and class count the fused programs take (each output value loops over them); above, tf ops. */
export const STEP_MAX_ROWS = 2048;
export const XENT_MAX_CLASSES = 128;

// --- WebGL: packed inputs (four values per texel: rows r, r+1 × columns c, c+1) ---------------------

/** GLSL that reads the two values of row b at columns c, c+1 of a packed input, [K, B, C] or [B, C]. */
function glslPair(name: string, rank: number): string {
  const get = rank === 3 ? `get${name}(k, b, c)` : `get${name}(b, c)`;
  return `vec2 pair${name}(int k, int b, int c) {
        vec4 t = ${get};
        return b - 2 * (b / 2) == 0 ? t.xy : t.zw;
      }`;
}

/** Output [2, K] (unpacked): each value loops over the batch. */
class XentStatsWebGLProgram {
  variableNames = ['Z', 'Y'];
  packedInputs = true;
  outputShape: number[];
  userCode: string;
  constructor(K: number, B: number, C: number, yRank: number) {
    this.outputShape = [2, K];
    this.userCode = `
      ${glslPair('Z', 3)}
      ${glslPair('Y', yRank)}
      void main() {
        ivec2 o = getOutputCoords();
        int k = o.y;
        float total = 0.0;
        for (int b = 0; b < ${B}; b++) {
          float m = pairZ(k, b, 0).x;
          int arg = 0;
          for (int c = 0; c < ${C}; c += 2) {
            vec2 v = pairZ(k, b, c);
            if (v.x > m) { m = v.x; arg = c; }
            if (c + 1 < ${C} && v.y > m) { m = v.y; arg = c + 1; }
          }
          float s = 0.0;
          float yz = 0.0;
          float ys = 0.0;
          float yArg = 0.0;
          for (int c = 0; c < ${C}; c += 2) {
            vec2 v = pairZ(k, b, c) - m;
            vec2 w = pairY(k, b, c);
            s += exp(v.x);
            yz += w.x * v.x;
            ys += w.x;
            if (c == arg) yArg = w.x;
            if (c + 1 < ${C}) {
              s += exp(v.y);
              yz += w.y * v.y;
              ys += w.y;
              if (c + 1 == arg) yArg = w.y;
            }
          }
          total += o.x == 0 ? ys * log(s) - yz : yArg;
        }
        setOutput(total / ${B}.0);
      }`;
  }
}

/** GLSL: zero the parts of an output texel that fall outside a [K, R, C] tensor, as tfjs's packed programs do. */
function glslPadZero(R: number, C: number): string {
  return `
        if (rc.y + 1 >= ${R}) result.zw = vec2(0.0);
        if (rc.z + 1 >= ${C}) result.yw = vec2(0.0);`;
}

/** Output [K, B, C] (packed): (softmax(z) − y)·dy_k / B; dy is [K], two values per texel. */
class XentGradWebGLProgram {
  variableNames = ['Z', 'Y', 'D'];
  packedInputs = true;
  packedOutput = true;
  userCode: string;
  constructor(
    readonly outputShape: number[],
    yRank: number,
  ) {
    const [, B, C] = outputShape;
    this.userCode = `
      ${glslPair('Z', 3)}
      vec2 rowStats(int k, int b) {
        float m = pairZ(k, b, 0).x;
        for (int c = 0; c < ${C}; c += 2) {
          vec2 v = pairZ(k, b, c);
          m = max(m, v.x);
          if (c + 1 < ${C}) m = max(m, v.y);
        }
        float s = 0.0;
        for (int c = 0; c < ${C}; c += 2) {
          vec2 v = exp(pairZ(k, b, c) - m);
          s += c + 1 < ${C} ? v.x + v.y : v.x;
        }
        return vec2(m, s);
      }
      void main() {
        ivec3 rc = getOutputCoords();
        int k = rc.x;
        vec4 d = getD(k);
        float scale = (k - 2 * (k / 2) == 0 ? d.x : d.y) / ${B}.0;
        vec2 top = rowStats(k, rc.y);
        vec2 bottom = rc.y + 1 < ${B} ? rowStats(k, rc.y + 1) : vec2(0.0, 1.0);
        vec4 z = getZ(k, rc.y, rc.z);
        vec4 y = ${yRank === 3 ? 'getY(k, rc.y, rc.z)' : 'getY(rc.y, rc.z)'};
        vec4 p = exp(z - vec4(top.x, top.x, bottom.x, bottom.x)) / vec4(top.y, top.y, bottom.y, bottom.y);
        vec4 result = (p - y) * scale;
        ${glslPadZero(B, C)}
        setOutput(result);
      }`;
  }
}

/** Output [K, R, C] (packed): dy·[y > 0]. */
class ReluGradWebGLProgram {
  variableNames = ['DY', 'Y'];
  packedInputs = true;
  packedOutput = true;
  userCode: string;
  constructor(readonly outputShape: number[]) {
    const [, R, C] = outputShape;
    this.userCode = `
      void main() {
        ivec3 rc = getOutputCoords();
        vec4 result = getDYAtOutCoords() * vec4(greaterThan(getYAtOutCoords(), vec4(0.0)));
        ${glslPadZero(R, C)}
        setOutput(result);
      }`;
  }
}

/** Output [K, 1, C] (packed): Σ_b dz[k, b, c], a dense layer's bias gradient. */
class BiasGradWebGLProgram {
  variableNames = ['DZ'];
  packedInputs = true;
  packedOutput = true;
  userCode: string;
  constructor(
    readonly outputShape: number[],
    B: number,
  ) {
    const C = outputShape[2];
    this.userCode = `
      void main() {
        ivec3 rc = getOutputCoords();
        vec2 s = vec2(0.0);
        for (int b = 0; b < ${B}; b += 2) {
          vec4 t = getDZ(rc.x, b, rc.z);
          s += b + 1 < ${B} ? t.xy + t.zw : t.xy;
        }
        vec4 result = vec4(s, 0.0, 0.0);
        if (rc.z + 1 >= ${C}) result.y = 0.0;
        setOutput(result);
      }`;
  }
}

// --- WebGPU: one thread per output value, flat dispatch (webgpuProgram.ts) -------------------------

const wgslY = (yRank: number, b: string, c: string) => (yRank === 3 ? `getY(k, ${b}, ${c})` : `getY(${b}, ${c})`);

class XentStatsWebGPUProgram extends FlatWebGPUProgram {
  variableNames = ['Z', 'Y'];
  constructor(
    private readonly K: number,
    private readonly B: number,
    private readonly C: number,
    private readonly yRank: number,
  ) {
    super([2, K], `optiplayXentStats_${K}_${B}_${C}_${yRank}`);
  }
  getUserCode(): string {
    const { K, B, C, yRank } = this;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let j = index / ${K};
          let k = index - j * ${K};
          var total = 0.0;
          for (var b = 0; b < ${B}; b++) {
            var m = getZ(k, b, 0);
            var arg = 0;
            for (var c = 1; c < ${C}; c++) {
              let v = getZ(k, b, c);
              if (v > m) { m = v; arg = c; }
            }
            var s = 0.0;
            var yz = 0.0;
            var ys = 0.0;
            for (var c = 0; c < ${C}; c++) {
              let v = getZ(k, b, c) - m;
              let w = ${wgslY(yRank, 'b', 'c')};
              s += exp(v);
              yz += w * v;
              ys += w;
            }
            if (j == 0) { total += ys * log(s) - yz; } else { total += ${wgslY(yRank, 'b', 'arg')}; }
          }
          setOutputAtIndex(index, total / ${B}.0);
        }
      }`;
  }
}

class XentGradWebGPUProgram extends FlatWebGPUProgram {
  variableNames = ['Z', 'Y', 'D'];
  constructor(
    outputShape: number[],
    private readonly yRank: number,
  ) {
    // the key names every constant the code bakes in: tfjs-webgpu caches compiled programs by it
    super(outputShape, `optiplayXentGrad_${outputShape[1]}_${outputShape[2]}_${yRank}`);
  }
  getUserCode(): string {
    const [, B, C] = this.outputShape;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${B * C};
          let b = (index / ${C}) % ${B};
          let c = index % ${C};
          var m = getZ(k, b, 0);
          for (var i = 1; i < ${C}; i++) { m = max(m, getZ(k, b, i)); }
          var s = 0.0;
          for (var i = 0; i < ${C}; i++) { s += exp(getZ(k, b, i) - m); }
          let p = exp(getZ(k, b, c) - m) / s;
          setOutputAtIndex(index, (p - ${wgslY(this.yRank, 'b', 'c')}) * getD(k) / ${B}.0);
        }
      }`;
  }
}

class ReluGradWebGPUProgram extends FlatWebGPUProgram {
  variableNames = ['DY', 'Y'];
  constructor(outputShape: number[]) {
    super(outputShape, 'optiplayReluGrad');
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, select(0.0, getDYByOutputIndex(index), getYByOutputIndex(index) > 0.0));
        }
      }`;
  }
}

class BiasGradWebGPUProgram extends FlatWebGPUProgram {
  variableNames = ['DZ'];
  constructor(
    outputShape: number[],
    private readonly B: number,
  ) {
    super(outputShape, `optiplayBiasGrad_${B}_${outputShape[2]}`);
  }
  getUserCode(): string {
    const C = this.outputShape[2];
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = index / ${C};
          let c = index % ${C};
          var s = 0.0;
          for (var b = 0; b < ${this.B}; b++) { s += getDZ(k, b, c); }
          setOutputAtIndex(index, s);
        }
      }`;
  }
}

// --- the diagnostics of a step: gradient norm and update ratios, one program -----------------------

/** Each input as a rank-3 view [K·G, R, C] (G: its leading axes after the model axis, merged). */
interface View {
  G: number;
  R: number;
  C: number;
  /** values per model */
  n: number;
}

function viewOf(shape: number[]): View {
  const C = shape.at(-1) ?? 1;
  const R = shape.length >= 3 ? shape[shape.length - 2] : 1;
  const n = tf.util.sizeFromShape(shape.slice(1));
  return { G: n / (R * C), R, C, n };
}

/**
 * WebGL: output [1 + L, K] (unpacked). Row 0: ‖g‖ over every gradient of model k; row 1 + l:
 * ‖w′ − w‖ / (‖w‖ + 1e-12) of layer l's weights. Inputs packed: the P gradients, then the L weights
 * before the step, then the L after it. Each output value loops over its tensors (the padding of a
 * texel outside R or C is masked out).
 */
class DiagnosticsWebGLProgram {
  variableNames: string[];
  packedInputs = true;
  outputShape: number[];
  userCode: string;
  constructor(K: number, views: View[], P: number, L: number) {
    const first = P > 0 ? 1 : 0;
    this.outputShape = [first + L, K];
    this.variableNames = views.map((_, i) => `T${i}`);
    const sumOf = (i: number, minus: number | null) => {
      const { G, R, C } = views[i];
      const read = minus === null ? `getT${i}(a, r, c)` : `getT${i}(a, r, c) - getT${minus}(a, r, c)`;
      return `
      float sum${i}${minus === null ? '' : `_${minus}`}(int k) {
        float s = 0.0;
        for (int g = 0; g < ${G}; g++) {
          int a = k * ${G} + g;
          for (int r = 0; r < ${R}; r += 2) {
            for (int c = 0; c < ${C}; c += 2) {
              vec4 t = ${read};
              vec4 keep = vec4(1.0, c + 1 < ${C} ? 1.0 : 0.0, r + 1 < ${R} ? 1.0 : 0.0, c + 1 < ${C} && r + 1 < ${R} ? 1.0 : 0.0);
              s += dot(t * t, keep);
            }
          }
        }
        return s;
      }`;
    };
    const fns = [
      ...views.map((_, i) => sumOf(i, null)),
      ...Array.from({ length: L }, (_, l) => sumOf(P + L + l, P + l)),
    ];
    const grads = Array.from({ length: P }, (_, i) => `sum${i}(k)`).join(' + ');
    const rows = Array.from(
      { length: L },
      (_, l) => `if (o.x == ${first + l}) result = sqrt(sum${P + L + l}_${P + l}(k)) / (sqrt(sum${P + l}(k)) + 1e-12);`,
    ).join('\n        ');
    this.userCode = `
      ${fns.join('\n')}
      void main() {
        ivec2 o = getOutputCoords();
        int k = o.y;
        float result = 0.0;
        ${P > 0 ? `if (o.x == 0) result = sqrt(${grads});` : ''}
        ${rows}
        setOutput(result);
      }`;
  }
}

/** WebGPU: the same, one thread per output value, reading each model's values straight from the buffers. */
class DiagnosticsWebGPUProgram extends FlatWebGPUProgram {
  variableNames: string[];
  constructor(
    private readonly K: number,
    private readonly views: View[],
    private readonly P: number,
    private readonly L: number,
  ) {
    super([(P > 0 ? 1 : 0) + L, K], `optiplayDiagnostics_${K}_${P}_${L}_${views.map((v) => v.n).join('_')}`);
    this.variableNames = views.map((_, i) => `T${i}`);
  }
  getUserCode(): string {
    const { K, views, P, L } = this;
    const sum = (i: number, minus: number | null) => {
      const n = views[i].n;
      const x = minus === null ? `T${i}[j]` : `(T${i}[j] - T${minus}[j])`;
      return `
      fn sum${i}${minus === null ? '' : `_${minus}`}(k : i32) -> f32 {
        var s = 0.0;
        for (var j = k * ${n}; j < (k + 1) * ${n}; j++) { let t = ${x}; s += t * t; }
        return s;
      }`;
    };
    const fns = [...views.map((_, i) => sum(i, null)), ...Array.from({ length: L }, (_, l) => sum(P + L + l, P + l))];
    const grads = Array.from({ length: P }, (_, i) => `sum${i}(k)`).join(' + ');
    const first = P > 0 ? 1 : 0;
    const rows = Array.from(
      { length: L },
      (_, l) =>
        `if (row == ${first + l}) { result = sqrt(sum${P + L + l}_${P + l}(k)) / (sqrt(sum${P + l}(k)) + 1e-12); }`,
    ).join('\n          ');
    return `
      ${fns.join('\n')}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let row = index / ${K};
          let k = index - row * ${K};
          var result = 0.0;
          ${P > 0 ? `if (row == 0) { result = sqrt(${grads}); }` : ''}
          ${rows}
          setOutputAtIndex(index, result);
        }
      }`;
  }
}

/** How many tensors one program may read on this backend (texture units; storage buffers less the output). */
function inputLimit(backend: unknown): number {
  const device = (backend as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }).device;
  if (device) return (device.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1;
  return 15; // WebGL 2 guarantees 16 texture units per fragment shader
}

// --- kernels ---------------------------------------------------------------------------------------

interface GLBackend {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
}
interface GPUBackend {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
}

function need(inputs: tf.NamedTensorInfoMap, names: string[], kernel: string): tf.TensorInfo[] {
  return names.map((n) => {
    const t = inputs[n];
    if (t === undefined) throw new Error(`${kernel}: needs ${names.join(', ')}`);
    if (t.dtype !== 'float32') throw new Error(`${kernel}: expected float32 tensors, got ${t.dtype}`);
    return t;
  });
}

/** A kernel's program for one backend, and the inputs as that program reads them. */
type Programs = (
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
  gl: boolean,
) => { program: object; inputs: tf.TensorInfo[] };

/** A kernel whose named inputs the program reads as they are. */
function plain(
  name: string,
  names: string[],
  make: (inputs: tf.TensorInfo[], gl: boolean) => object,
): [string, Programs] {
  return [
    name,
    (given, _attrs, gl) => {
      const list = need(given, names, name);
      return { program: make(list, gl), inputs: list };
    },
  ];
}

const KERNELS: [string, Programs][] = [
  plain(XENT_STATS, ['logits', 'labels'], ([z, y], gl) => {
    const [K, B, C] = z.shape;
    return gl
      ? new XentStatsWebGLProgram(K, B, C, y.shape.length)
      : new XentStatsWebGPUProgram(K, B, C, y.shape.length);
  }),
  plain(XENT_GRAD, ['logits', 'labels', 'dy'], ([z, y], gl) =>
    gl ? new XentGradWebGLProgram(z.shape, y.shape.length) : new XentGradWebGPUProgram(z.shape, y.shape.length),
  ),
  plain(RELU_GRAD, ['dy', 'y'], ([dy], gl) =>
    gl ? new ReluGradWebGLProgram(dy.shape) : new ReluGradWebGPUProgram(dy.shape),
  ),
  plain(BIAS_GRAD, ['dz'], ([dz], gl) => {
    const [K, B, C] = dz.shape;
    return gl ? new BiasGradWebGLProgram([K, 1, C], B) : new BiasGradWebGPUProgram([K, 1, C], B);
  }),
];

export const DIAGNOSTICS = 'OptiplayStepDiagnostics';

const diagnosticsPrograms: Programs = (inputs, attrs, gl) => {
  const { P, L } = attrs as unknown as { P: number; L: number };
  const list = Array.from({ length: P + 2 * L }, (_, i) => {
    const t = inputs[`t${i}`];
    if (t === undefined || t.dtype !== 'float32') throw new Error(`${DIAGNOSTICS}: needs ${P + 2 * L} float32 tensors`);
    return t;
  });
  const K = list[0].shape[0];
  const views = list.map((t) => viewOf(t.shape));
  if (!gl) return { program: new DiagnosticsWebGPUProgram(K, views, P, L), inputs: list };
  // rank-3 views [K·G, R, C] of each input: free reshapes of the leading axes on packed textures
  const viewed: tf.TensorInfo[] = list.map((t, i) => ({ ...t, shape: [K * views[i].G, views[i].R, views[i].C] }));
  return { program: new DiagnosticsWebGLProgram(K, views, P, L), inputs: viewed };
};

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const [name, programs] of [...KERNELS, [DIAGNOSTICS, diagnosticsPrograms] as [string, Programs]]) {
    for (const backendName of ['webgl', 'webgpu']) {
      tf.registerKernel({
        kernelName: name,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => {
          const { program, inputs: list } = programs(inputs, attrs, backendName === 'webgl');
          return backendName === 'webgl'
            ? (backend as unknown as GLBackend).runWebGLProgram(program, list, 'float32')
            : (backend as unknown as GPUBackend).runWebGPUProgram(program, list, 'float32');
        },
      });
    }
  }
}

/** Whether the current backend has the fused loss programs. */
export function stepKernelsOn(): boolean {
  register();
  return tf.getKernel(XENT_STATS, tf.getBackend()) !== undefined;
}

/** Whether softmaxXentFused takes logits [K, B, C] (float32): a backend with the programs, and a batch and class count they loop over. */
export function softmaxXentFusable(B: number, C: number): boolean {
  return B <= STEP_MAX_ROWS && C <= XENT_MAX_CLASSES && stepKernelsOn();
}

/**
 * Mean softmax cross-entropy [K] with its gradient, and batch accuracy [K] (no gradient), of logits
 * [K, B, C] against one-hot labels [B, C] or [K, B, C]; `stats` is both as rows of one [2, K] tensor.
 * The caller has checked softmaxXentFusable.
 */
export function softmaxXentFused(
  logits: tf.Tensor3D,
  labels: tf.Tensor2D | tf.Tensor3D,
): { loss: tf.Tensor1D; accuracy: tf.Tensor1D; stats: tf.Tensor2D } {
  const K = logits.shape[0];
  let stats: tf.Tensor2D | null = null;
  const loss = tf.customGrad((z, save) => {
    const s = tf.engine().runKernel(XENT_STATS, { logits: z as tf.Tensor, labels }) as tf.Tensor2D;
    stats = tf.keep(s); // customGrad's forward is a tidy scope: the accuracy row is read after it
    (save as tf.GradSaveFunc)([z as tf.Tensor]);
    return {
      value: tf.reshape(tf.slice(s, [0, 0], [1, K]), [K]),
      gradFunc: (dy: tf.Tensor, [zs]: tf.Tensor[]) =>
        tf.engine().runKernel(XENT_GRAD, { logits: zs, labels, dy }) as tf.Tensor,
    };
  })(logits) as tf.Tensor1D;
  const kept = stats as unknown as tf.Tensor2D;
  const accuracy = tf.reshape(tf.slice(kept, [1, 0], [1, K]), [K]) as tf.Tensor1D;
  const both = tf.clone(kept); // in the caller's scope, like loss and accuracy (a clone shares the data)
  kept.dispose();
  return { loss, accuracy, stats: both };
}

/** Whether biasGradFused takes a batch of B rows here: a backend with the programs, and a batch they loop over. */
export function biasGradFusable(B: number): boolean {
  return B <= STEP_MAX_ROWS && stepKernelsOn();
}

/** Σ over the batch of dz [K, B, C]: [K, 1, C], a dense layer's bias gradient (the caller has checked biasGradFusable). */
export function biasGradFused(dz: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel(BIAS_GRAD, { dz }) as tf.Tensor3D;
}

/** dy·[y > 0], a relu layer's gradient before the activation, given its output y (webgl and webgpu only). */
export function reluGradFused(dy: tf.Tensor3D, y: tf.Tensor3D): tf.Tensor3D {
  return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor3D;
}

/**
 * A diagnostics step in one program: [1 + L, K], row 0 each model's gradient norm over all `grads`,
 * row 1 + l the update ratio ‖w′ − w‖ / (‖w‖ + 1e-12) of `before[l]` → `after[l]`. Null where the
 * backend has no such program or one program cannot read that many tensors; the caller then uses tf ops.
 */
export function stepDiagnosticsFused(grads: tf.Tensor[], before: tf.Tensor[], after: tf.Tensor[]): tf.Tensor2D | null {
  const all = [...grads, ...before, ...after];
  if (!stepDiagnosticsFusable(grads.length, before.length) || all.some((t) => t.dtype !== 'float32')) return null;
  const run = (g: tf.Tensor[], b: tf.Tensor[], a: tf.Tensor[]) =>
    tf.engine().runKernel(DIAGNOSTICS, Object.fromEntries([...g, ...b, ...a].map((t, i) => [`t${i}`, t])), {
      P: g.length,
      L: b.length,
    }) as tf.Tensor2D;
  if (all.length <= inputLimit(tf.backend())) return run(grads, before, after);
  // WebGPU's default of 8 storage buffers a program: the norm and the ratios as two programs
  return tf.tidy(() => tf.concat([run(grads, [], []), run([], before, after)]));
}

/** Whether stepDiagnosticsFused runs here for P gradients and L layers' weights (before and after). */
export function stepDiagnosticsFusable(P: number, L: number): boolean {
  const limit = stepKernelsOn() ? inputLimit(tf.backend()) : 0;
  return P + 2 * L <= limit || (P <= limit && 2 * L <= limit);
}
