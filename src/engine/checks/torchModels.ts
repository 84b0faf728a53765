/**
 * The dense models against torch (src/engine/__fixtures__/torch_models.json, made by
 * scripts/make_model_fixtures.py with Debian's python3-torch): a 3-layer MLP with each activation
 * and head, its outputs, loss and the gradient of every weight and bias. The forward pass runs fused
 * matmuls and the gradients are hand-written (denseApply, softmaxXent in models.ts), so this
 * checks them on every backend: the unit tests on tfjs's cpu, the self-test page on webgpu and webgl.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamMap } from '../optimizers/optimizer';
import fixtures from '../__fixtures__/torch_models.json';
import { modelForward, modelLoss } from '../models/models';
import type { ModelShape } from '../models/shape';
import { maxRelError } from './compare';

export type ModelCase = (typeof fixtures.cases)[number];
export const MODEL_CASES: ModelCase[] = fixtures.cases;

export function modelCaseShape(c: ModelCase): ModelShape {
  const s = c.sizes;
  return {
    layers: [0, 1, 2].map((l) => ({ in: s[l], out: s[l + 1] })),
    head: c.head as ModelShape['head'],
    activation: c.activation as ModelShape['activation'],
  };
}

/** Parameters of K models, [K, in, out] and [K, 1, out], model k holding the weights of cases[k]. */
export function modelCaseParams(cases: ModelCase[]): ParamMap {
  const params: ParamMap = {};
  for (let l = 0; l < 3; l++) {
    params[`l${l}/w`] = tf.tensor3d(cases.map((c) => c.w[l]));
    params[`l${l}/b`] = tf.tensor3d(cases.map((c) => [c.b[l]]));
  }
  return params;
}

export interface ModelCaseResult {
  /** per model */
  loss: number[];
  /** per model: [B, out] */
  outputs: number[][][];
  /** per parameter name, per model, flat */
  grads: Record<string, number[][]>;
}

/**
 * The fixture batch through K models with the shape of `c`: each model's loss and outputs and the
 * gradient of the sum of losses (as the training loop takes it), read back asynchronously.
 */
export async function modelCaseRun(c: ModelCase, params: ParamMap): Promise<ModelCaseResult> {
  const shape = modelCaseShape(c);
  const names = Object.keys(params);
  const K = params['l0/w'].shape[0];
  const { loss, out, grads } = tf.tidy(() => {
    const x = tf.tensor2d(fixtures.x);
    const y = tf.tensor1d(
      c.head === 'multiclass' ? fixtures.labels : c.head === 'binary' ? fixtures.binary : fixtures.targets,
    );
    const oneHot =
      c.head === 'multiclass'
        ? (tf.cast(tf.oneHot(tf.tensor1d(fixtures.labels, 'int32'), c.sizes[3]), 'float32') as tf.Tensor2D)
        : null;
    let l: tf.Tensor1D | null = null;
    let o: tf.Tensor3D | null = null;
    const g = tf.grads((...ps: tf.Tensor[]) => {
      const p = Object.fromEntries(names.map((n, i) => [n, ps[i]]));
      o = tf.keep(modelForward(shape, p, x));
      l = tf.keep(modelLoss(shape, o, y, oneHot));
      return tf.sum(l);
    })(names.map((n) => params[n]));
    return { loss: l! as tf.Tensor1D, out: o! as tf.Tensor3D, grads: g };
  });
  const [lv, ov, ...gv] = await Promise.all([loss.data(), out.array(), ...grads.map((g) => g.data())]);
  tf.dispose([loss, out, ...grads]);
  return {
    loss: Array.from(lv),
    outputs: ov,
    grads: Object.fromEntries(
      names.map((n, i) => {
        const per = gv[i].length / K;
        return [n, Array.from({ length: K }, (_, k) => Array.from(gv[i].subarray(k * per, (k + 1) * per)))];
      }),
    ),
  };
}

/** Every fixture on the current backend: the worst relative error of its outputs, loss and gradients against torch. */
export async function modelCheckAll(): Promise<{ label: string; maxRelError: number }[]> {
  const out = [];
  for (const c of MODEL_CASES) {
    const params = modelCaseParams([c]);
    const r = await modelCaseRun(c, params);
    tf.dispose(Object.values(params));
    const errors = [maxRelError(r.outputs[0].flat(), c.outputs.flat()), maxRelError(r.loss, [c.loss])];
    for (let l = 0; l < 3; l++)
      errors.push(maxRelError(r.grads[`l${l}/w`][0], c.dw[l].flat()), maxRelError(r.grads[`l${l}/b`][0], c.db[l]));
    out.push({
      label: `MLP ${c.sizes.join('-')}, ${c.activation}, ${c.head} head: outputs, loss, ∂W, ∂b`,
      maxRelError: Math.max(...errors),
    });
  }
  return out;
}
