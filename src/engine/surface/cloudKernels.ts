/**
 * The particle cloud's own GPU programs on webgl and webgpu: each objective's gradient at every
 * particle, and the first step at which each particle came within ε of a minimum.
 *
 * Written with tf ops, Rosenbrock's gradient by autodiff is about 25 programs a step (the unstack
 * into x and y, the forward ops, their backward ops and a concat), and the "reached" bookkeeping about
 * 15 more (distances to each minimum, a comparison, casts and the arithmetic that keeps the first
 * hit). At 10,000 particles each of these programs makes a full pass over the particles, so they, and
 * not the optimizer, set the cost of a cloud step (measured on SwiftShader's WebGL: 8 optimizers,
 * 10,000 starts, 163 ms a step of which about 77 ms the objective and 50 ms the bookkeeping). Here:
 *
 *   OptiplayObjectiveGrad  [N, 2]: ∂f/∂x, ∂f/∂y at each row of xy [N, 2], from the objective's
 *                          gradient written out by hand (OBJECTIVE_GRADS below), one program.
 *   OptiplayCloudReached   [N]: the step at which each particle first came within ε of a minimum
 *                          (the old value where it already had, or where it is not within ε; −1 for
 *                          never), one program; the step arrives as a uniform.
 *
 * A NaN or ±∞ coordinate gives a NaN gradient, as autodiff does, and never counts as reached, so a
 * diverging particle is still found at the end. Registered for webgl and webgpu; on cpu (and in Node)
 * `cloudKernelsOn()` is false and runCloud.ts keeps the tf-op path, which cloudKernelsCheck.ts (the
 * self-test page) compares these programs against on every objective.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ObjectiveName, Point } from '../objectives/registry';
import { CodeWebGPUProgram } from '../webgpuProgram';

export const OBJECTIVE_GRAD = 'OptiplayObjectiveGrad';
export const CLOUD_REACHED = 'OptiplayCloudReached';

/** A float literal both GLSL ES 3.0 and WGSL read as f32. */
function lit(v: number): string {
  const s = Number.isInteger(v) ? `${v}.0` : String(v);
  return v < 0 ? `(${s})` : s;
}

const PI = lit(Math.PI);
const TWO_PI = lit(2 * Math.PI);

/**
 * Each objective's gradient as shader code over floats x and y: named intermediates, then ∂f/∂x and
 * ∂f/∂y. Only arithmetic, sin, cos, exp and sqrt, which GLSL and WGSL spell alike. Derived from the
 * formulas of objectives/tensor.ts, which autodiff differentiates on cpu; the self-test page compares
 * the two on every objective.
 */
export const OBJECTIVE_GRADS: Record<
  ObjectiveName,
  (params: Record<string, number>) => { lets: [string, string][]; gx: string; gy: string }
> = {
  // (1 − x)² + 100 (y − x²)²
  rosenbrock: () => ({ lets: [['v', 'y - x * x']], gx: '-2.0 * (1.0 - x) - 400.0 * x * v', gy: '200.0 * v' }),
  // a² + b² + c², a = 1.5 − x + xy, b = 2.25 − x + xy², c = 2.625 − x + xy³
  beale: () => ({
    lets: [
      ['y2', 'y * y'],
      ['y3', 'y2 * y'],
      ['a', '1.5 - x + x * y'],
      ['b', '2.25 - x + x * y2'],
      ['c', '2.625 - x + x * y3'],
    ],
    gx: '2.0 * (a * (y - 1.0) + b * (y2 - 1.0) + c * (y3 - 1.0))',
    gy: '2.0 * x * (a + 2.0 * b * y + 3.0 * c * y2)',
  }),
  // (x² + y − 11)² + (x + y² − 7)²
  himmelblau: () => ({
    lets: [
      ['a', 'x * x + y - 11.0'],
      ['b', 'x + y * y - 7.0'],
    ],
    gx: '4.0 * x * a + 2.0 * b',
    gy: '2.0 * a + 4.0 * y * b',
  }),
  // (x + 2y − 7)² + (2x + y − 5)²
  booth: () => ({
    lets: [
      ['a', 'x + 2.0 * y - 7.0'],
      ['b', '2.0 * x + y - 5.0'],
    ],
    gx: '2.0 * a + 4.0 * b',
    gy: '4.0 * a + 2.0 * b',
  }),
  // 20 + Σ v² − 10 cos 2πv
  rastrigin: () => ({
    lets: [],
    gx: `2.0 * x + 20.0 * ${PI} * sin(${TWO_PI} * x)`,
    gy: `2.0 * y + 20.0 * ${PI} * sin(${TWO_PI} * y)`,
  }),
  // −20 exp(−0.2 r) − exp((cos 2πx + cos 2πy)/2) + e + 20, r = √((x² + y²)/2 + 1e-12)
  ackley: () => ({
    lets: [
      ['r', 'sqrt(0.5 * (x * x + y * y) + 1e-12)'],
      ['a', '2.0 * exp(-0.2 * r) / r'],
      ['b', `${PI} * exp(0.5 * (cos(${TWO_PI} * x) + cos(${TWO_PI} * y)))`],
    ],
    gx: `x * a + b * sin(${TWO_PI} * x)`,
    gy: `y * a + b * sin(${TWO_PI} * y)`,
  }),
  // x² − y²
  saddle: () => ({ lets: [], gx: '2.0 * x', gy: '-2.0 * y' }),
  // ½ (u² + κ v²), u = cx + sy, v = −sx + cy
  quadratic: (params) => {
    const phi = (params.angle * Math.PI) / 180;
    const [c, s, k] = [lit(Math.cos(phi)), lit(Math.sin(phi)), lit(params.condition)];
    return {
      lets: [
        ['u', `${c} * x + ${s} * y`],
        ['v', `${c} * y - ${s} * x`],
      ],
      gx: `${c} * u - ${k} * ${s} * v`,
      gy: `${s} * u + ${k} * ${c} * v`,
    };
  },
};

/** The gradient as a shader function objGrad(x, y) → (∂f/∂x, ∂f/∂y). */
function gradFunction(name: ObjectiveName, params: Record<string, number>, gl: boolean): string {
  const { lets, gx, gy } = OBJECTIVE_GRADS[name](params);
  const decl = (n: string, e: string) => (gl ? `float ${n} = ${e};` : `let ${n} = ${e};`);
  const body = [...lets.map(([n, e]) => decl(n, e)), `return ${gl ? 'vec2' : 'vec2<f32>'}(${gx}, ${gy});`].join(
    '\n        ',
  );
  return gl
    ? `vec2 objGrad(float x, float y) {
        ${body}
      }`
    : `fn objGrad(x : f32, y : f32) -> vec2<f32> {
        ${body}
      }`;
}

/** The squared distance to the nearest minimum as a shader expression over x and y. */
function nearestSquared(minima: Point[]): string {
  const d = minima.map(([mx, my]) => `(x - ${lit(mx)}) * (x - ${lit(mx)}) + (y - ${lit(my)}) * (y - ${lit(my)})`);
  return d.reduce((a, b) => `min(${a}, ${b})`);
}

/** The new "reached" value of one particle as a shader function. */
function reachedFunction(minima: Point[], epsilon: number, gl: boolean, step: string): string {
  const head = gl ? 'float reach(float old, float x, float y)' : 'fn reach(old : f32, x : f32, y : f32) -> f32';
  const near = `${nearestSquared(minima)} < ${lit(epsilon * epsilon)}`;
  const pick = gl ? `old < 0.0 && ${near} ? ${step} : old` : `select(old, ${step}, old < 0.0 && ${near})`;
  return `${head} {
        return ${pick};
      }`;
}

// --- WebGL: packed (a texel holds rows r, r+1 of xy; a 1-D texel holds values i, i+1 in .xy) --------

class ObjectiveGradWebGLProgram {
  variableNames = ['XY'];
  packedInputs = true;
  packedOutput = true;
  userCode: string;
  constructor(
    readonly outputShape: number[],
    fn: string,
  ) {
    const N = outputShape[0];
    this.userCode = `
      ${fn}
      void main() {
        ivec2 rc = getOutputCoords();
        vec4 p = getXYAtOutCoords();
        vec4 result = vec4(objGrad(p.x, p.y), rc.x + 1 < ${N} ? objGrad(p.z, p.w) : vec2(0.0));
        setOutput(result);
      }`;
  }
}

class CloudReachedWebGLProgram {
  variableNames = ['R', 'XY'];
  packedInputs = true;
  packedOutput = true;
  customUniforms = [{ name: 'cloud_step', type: 'float' as const }];
  userCode: string;
  constructor(
    readonly outputShape: number[],
    fn: string,
  ) {
    const N = outputShape[0];
    this.userCode = `
      ${fn}
      void main() {
        int i = getOutputCoords();
        vec4 r = getR(i);
        vec4 p = getXY(i, 0);
        vec4 result = vec4(reach(r.x, p.x, p.y), i + 1 < ${N} ? reach(r.y, p.z, p.w) : 0.0, 0.0, 0.0);
        setOutput(result);
      }`;
  }
}

// --- WebGPU: one thread per output value, flat dispatch (webgpuProgram.ts) -------------------------

function objectiveGradWebGPU(shape: number[], fn: string): CodeWebGPUProgram {
  return new CodeWebGPUProgram(
    shape,
    ['XY'],
    'optiplayCloudGrad',
    `
      ${fn}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let r = index / 2;
          let g = objGrad(XY[2 * r], XY[2 * r + 1]);
          setOutputAtIndex(index, select(g.x, g.y, index - 2 * r == 1));
        }
      }`,
  );
}

function cloudReachedWebGPU(shape: number[], fn: string): CodeWebGPUProgram {
  return new CodeWebGPUProgram(
    shape,
    ['R', 'XY'],
    'optiplayCloudReached',
    `
      ${fn}
      fn main(index : i32) {
        if (index < uniforms.size) {
          setOutputAtIndex(index, reach(R[index], XY[2 * index], XY[2 * index + 1]));
        }
      }`,
    'step : f32,',
  );
}

// --- kernels ---------------------------------------------------------------------------------------

interface GLBackend {
  runWebGLProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32', uniforms?: number[][]): tf.TensorInfo;
}
interface GPUBackend {
  runWebGPUProgram(
    program: object,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms?: { type: 'float32'; data: number[] }[],
  ): tf.TensorInfo;
}

interface GradAttrs {
  objective: ObjectiveName;
  params: Record<string, number>;
}
interface ReachedAttrs {
  minima: Point[];
  epsilon: number;
  step: number;
}

function float32(inputs: tf.NamedTensorInfoMap, names: string[], kernel: string): tf.TensorInfo[] {
  return names.map((n) => {
    const t = inputs[n];
    if (t === undefined || t.dtype !== 'float32') throw new Error(`${kernel}: needs float32 ${names.join(', ')}`);
    return t;
  });
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['webgl', 'webgpu']) {
    const gl = backendName === 'webgl';
    tf.registerKernel({
      kernelName: OBJECTIVE_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const [xy] = float32(inputs, ['xy'], OBJECTIVE_GRAD);
        const { objective, params } = attrs as unknown as GradAttrs;
        const fn = gradFunction(objective, params, gl);
        return gl
          ? (backend as unknown as GLBackend).runWebGLProgram(
              new ObjectiveGradWebGLProgram(xy.shape, fn),
              [xy],
              'float32',
            )
          : (backend as unknown as GPUBackend).runWebGPUProgram(objectiveGradWebGPU(xy.shape, fn), [xy], 'float32');
      },
    });
    tf.registerKernel({
      kernelName: CLOUD_REACHED,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const [reached, xy] = float32(inputs, ['reached', 'xy'], CLOUD_REACHED);
        const { minima, epsilon, step } = attrs as unknown as ReachedAttrs;
        if (gl) {
          const fn = reachedFunction(minima, epsilon, true, 'cloud_step');
          return (backend as unknown as GLBackend).runWebGLProgram(
            new CloudReachedWebGLProgram(reached.shape, fn),
            [reached, xy],
            'float32',
            [[step]],
          );
        }
        const fn = reachedFunction(minima, epsilon, false, 'uniforms.step');
        return (backend as unknown as GPUBackend).runWebGPUProgram(
          cloudReachedWebGPU(reached.shape, fn),
          [reached, xy],
          'float32',
          [{ type: 'float32', data: [step] }],
        );
      },
    });
  }
}

/** Whether the current backend has the cloud's programs (webgl and webgpu; not cpu). */
export function cloudKernelsOn(): boolean {
  register();
  return tf.getKernel(OBJECTIVE_GRAD, tf.getBackend()) !== undefined;
}

/** The objective's gradient [N, 2] at each row of xy [N, 2] (the caller has checked cloudKernelsOn). */
export function objectiveGradFused(name: ObjectiveName, params: Record<string, number>, xy: tf.Tensor2D): tf.Tensor2D {
  return tf
    .engine()
    .runKernel(OBJECTIVE_GRAD, { xy }, { objective: name, params } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * reached [N] after `step`: `step` where a particle of xy [N, 2] is within ε of a minimum and had not
 * been before (reached < 0), the old value elsewhere. `minima` must not be empty (the caller has
 * checked cloudKernelsOn).
 */
export function cloudReachedFused(
  reached: tf.Tensor1D,
  xy: tf.Tensor2D,
  minima: Point[],
  epsilon: number,
  step: number,
): tf.Tensor1D {
  if (minima.length === 0) throw new Error(`${CLOUD_REACHED}: needs at least one minimum`);
  return tf
    .engine()
    .runKernel(CLOUD_REACHED, { reached, xy }, { minima, epsilon, step } as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}
