/**
 * `OptiplayObjectiveGrad` [N, 2]: ∂f/∂x, ∂f/∂y of a 2-D objective at each row of xy [N, 2], for the
 * particle cloud, from the gradient written out by hand (OBJECTIVE_GRADS, in the engine's expression
 * language) as one program, where autodiff of objectives/tensor.ts spends about 25 a step. A NaN or
 * ±∞ coordinate gives a NaN gradient, as autodiff does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { OBJECTIVES, objectiveParams, type ObjectiveName, type Point } from '../objectives/registry';
import { objectiveValueAndGrad } from '../objectives/tensor';
import { exprEval, exprParse, exprShader, type Expr } from './expression';
import { defineKernel, type KernelCase } from './kernel';
import { CodeWebGPUProgram } from './webgpuProgram';

const PI = Math.PI;
const TWO_PI = 2 * Math.PI;

/**
 * Each objective's gradient over x and y: named intermediates, then ∂f/∂x and ∂f/∂y. Derived from the
 * formulas of objectives/tensor.ts; the checks compare them with autodiff on every objective.
 */
export const OBJECTIVE_GRADS: Record<
  ObjectiveName,
  (params: Record<string, number>) => { lets: [string, string][]; gx: string; gy: string }
> = {
  // (1 − x)² + 100 (y − x²)²
  rosenbrock: () => ({ lets: [['v', 'y - x * x']], gx: '-2 * (1 - x) - 400 * x * v', gy: '200 * v' }),
  // a² + b² + c², a = 1.5 − x + xy, b = 2.25 − x + xy², c = 2.625 − x + xy³
  beale: () => ({
    lets: [
      ['y2', 'y * y'],
      ['y3', 'y2 * y'],
      ['a', '1.5 - x + x * y'],
      ['b', '2.25 - x + x * y2'],
      ['c', '2.625 - x + x * y3'],
    ],
    gx: '2 * (a * (y - 1) + b * (y2 - 1) + c * (y3 - 1))',
    gy: '2 * x * (a + 2 * b * y + 3 * c * y2)',
  }),
  // (x² + y − 11)² + (x + y² − 7)²
  himmelblau: () => ({
    lets: [
      ['a', 'x * x + y - 11'],
      ['b', 'x + y * y - 7'],
    ],
    gx: '4 * x * a + 2 * b',
    gy: '2 * a + 4 * y * b',
  }),
  // (x + 2y − 7)² + (2x + y − 5)²
  booth: () => ({
    lets: [
      ['a', 'x + 2 * y - 7'],
      ['b', '2 * x + y - 5'],
    ],
    gx: '2 * a + 4 * b',
    gy: '4 * a + 2 * b',
  }),
  // 20 + Σ v² − 10 cos 2πv
  rastrigin: () => ({
    lets: [],
    gx: `2 * x + 20 * ${PI} * sin(${TWO_PI} * x)`,
    gy: `2 * y + 20 * ${PI} * sin(${TWO_PI} * y)`,
  }),
  // −20 exp(−0.2 r) − exp((cos 2πx + cos 2πy)/2) + e + 20, r = √((x² + y²)/2 + 1e-12)
  ackley: () => ({
    lets: [
      ['r', 'sqrt(0.5 * (x * x + y * y) + 1e-12)'],
      ['a', '2 * exp(-0.2 * r) / r'],
      ['b', `${PI} * exp(0.5 * (cos(${TWO_PI} * x) + cos(${TWO_PI} * y)))`],
    ],
    gx: `x * a + b * sin(${TWO_PI} * x)`,
    gy: `y * a + b * sin(${TWO_PI} * y)`,
  }),
  // x² − y²
  saddle: () => ({ lets: [], gx: '2 * x', gy: '-2 * y' }),
  // ½ (u² + κ v²), u = cx + sy, v = −sx + cy
  quadratic: (params) => {
    const phi = (params.angle * Math.PI) / 180;
    const [c, s, k] = [Math.cos(phi), Math.sin(phi), params.condition];
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

export interface ObjectiveAttrs {
  objective: ObjectiveName;
  params: Record<string, number>;
}

function parsedGrad(a: ObjectiveAttrs): { lets: [string, Expr][]; gx: Expr; gy: Expr } {
  const g = OBJECTIVE_GRADS[a.objective](a.params);
  return { lets: g.lets.map(([n, e]) => [n, exprParse(e)]), gx: exprParse(g.gx), gy: exprParse(g.gy) };
}

/** The gradient as a shader function objGrad(x, y) → (∂f/∂x, ∂f/∂y). */
function gradFunction(a: ObjectiveAttrs, gl: boolean): string {
  const { lets, gx, gy } = parsedGrad(a);
  const name = (v: string) => (v === 'x' || v === 'y' ? v : `t_${v}`);
  const decl = (n: string, e: Expr) =>
    gl ? `float t_${n} = ${exprShader(e, name)};` : `let t_${n} = ${exprShader(e, name)};`;
  const body = [
    ...lets.map(([n, e]) => decl(n, e)),
    `return ${gl ? 'vec2' : 'vec2<f32>'}(${exprShader(gx, name)}, ${exprShader(gy, name)});`,
  ].join('\n        ');
  return gl
    ? `vec2 objGrad(float x, float y) {
        ${body}
      }`
    : `fn objGrad(x : f32, y : f32) -> vec2<f32> {
        ${body}
      }`;
}

/** Points spread over [−4.5, 4.5]², with up to two exact minima among them. */
function checkPoints(n: number, minima: Point[]): Float32Array {
  const out = Float32Array.from({ length: 2 * n }, (_, i) => 4.5 * Math.sin(i * 0.73 + 0.4));
  minima.slice(0, Math.min(2, n - 1)).forEach(([x, y], k) => out.set([x, y], 2 * (k + 1)));
  return out;
}

export const objectiveGrad = defineKernel<ObjectiveAttrs>({
  name: 'OptiplayObjectiveGrad',
  summary: "a 2-D objective's gradient at each row of xy",
  inputs: ['xy'],
  reference: ({ xy }, { objective, params }) => {
    const { value, grad } = objectiveValueAndGrad(objective, params, xy as tf.Tensor2D);
    value.dispose();
    return grad;
  },
  webgl: ({ xy }, attrs, backend) => {
    const N = xy.shape[0];
    const program = {
      variableNames: ['XY'],
      packedInputs: true,
      packedOutput: true,
      outputShape: xy.shape,
      userCode: `
      ${gradFunction(attrs, true)}
      void main() {
        ivec2 rc = getOutputCoords();
        vec4 p = getXYAtOutCoords();
        vec4 result = vec4(objGrad(p.x, p.y), rc.x + 1 < ${N} ? objGrad(p.z, p.w) : vec2(0.0));
        setOutput(result);
      }`,
    };
    return backend.runWebGLProgram(program, [xy], 'float32');
  },
  webgpu: ({ xy }, attrs, backend) => {
    const code = `
      ${gradFunction(attrs, false)}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let r = index / 2;
          let g = objGrad(XY[2 * r], XY[2 * r + 1]);
          setOutputAtIndex(index, select(g.x, g.y, index - 2 * r == 1));
        }
      }`;
    return backend.runWebGPUProgram(
      new CodeWebGPUProgram(xy.shape, ['XY'], 'optiplayCloudGrad', code),
      [xy],
      'float32',
    );
  },
  naive: ({ xy }, attrs) => {
    const { lets, gx, gy } = parsedGrad(attrs);
    const n = xy.shape[0];
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const vars = new Map<string, number>([
        ['x', xy.values[2 * i]],
        ['y', xy.values[2 * i + 1]],
      ]);
      const value = (v: string) => vars.get(v)!;
      for (const [name, e] of lets) vars.set(name, exprEval(e, value));
      out[2 * i] = exprEval(gx, value);
      out[2 * i + 1] = exprEval(gy, value);
    }
    return [out];
  },
  // every objective with its default parameters, and the quadratic once more rotated the other way and
  // stretched; an odd count (the padding row of WebGL's packed texels) and one point
  cases: () => {
    const objectives: ObjectiveAttrs[] = (Object.keys(OBJECTIVES) as ObjectiveName[]).map((objective) => ({
      objective,
      params: objectiveParams(objective),
    }));
    objectives.push({ objective: 'quadratic', params: objectiveParams('quadratic', { condition: 250, angle: -55 }) });
    return objectives.flatMap((attrs): KernelCase<ObjectiveAttrs>[] => {
      const minima = OBJECTIVES[attrs.objective].minima(attrs.params);
      const shown = Object.entries(attrs.params)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      return [37, 1].map((n) => ({
        label: `${attrs.objective}${shown ? ` (${shown})` : ''}, ${n} point${n > 1 ? 's' : ''}`,
        inputs: { xy: { shape: [n, 2], values: checkPoints(n, minima) } },
        attrs,
        // float32 rounds 2πx (|x| ≤ 4.5) by up to 2e-6 before sin and cos, which a float64 loop does not
        naiveTolerance: 2e-4,
      }));
    });
  },
});
