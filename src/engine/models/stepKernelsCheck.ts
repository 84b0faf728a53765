/**
 * The training step's programs (stepKernels.ts) against the same quantities in tf ops, on the current
 * backend: cross-entropy, batch accuracy and the gradient of the cross-entropy, the relu and bias
 * gradients, and a step's diagnostics (gradient norm, update ratios), on shapes that reach every branch (odd batch and class counts, labels shared by all models
 * or one set per model, tied logits, a batch of one). The self-test page runs it on webgpu and webgl;
 * on cpu there are no fused programs and it reports nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxRelError } from '../optimizers/torchCheck';
import { biasGradFused, reluGradFused, softmaxXentFused, stepDiagnosticsFused, stepKernelsOn } from './stepKernels';

export interface FusedLossCase {
  label: string;
  /** largest |fused − tf ops| / max(1, |tf ops|) over loss, accuracy and gradient */
  maxRelError: number;
}

function values(K: number, B: number, C: number, seed: number, ties: boolean): Float32Array {
  return Float32Array.from({ length: K * B * C }, (_, i) =>
    ties ? Math.round(Math.sin(i * 1.7 + seed) * 2) : Math.sin(i * 0.91 + seed) * 4,
  );
}

/** One-hot labels for rows of logits: every other row labelled with its first largest logit (a hit), the rest spread over the classes. */
function oneHot(logits: Float32Array, C: number, seed: number): Float32Array {
  const n = logits.length / C;
  const out = new Float32Array(n * C);
  for (let r = 0; r < n; r++) {
    const row = logits.subarray(r * C, r * C + C);
    const label = r % 2 === 0 ? row.indexOf(Math.max(...row)) : (r * 7 + seed) % C;
    out[r * C + label] = 1;
  }
  return out;
}

/** The tf-op reference: loss [K], accuracy [K] (first largest logit, as tf.argMax), and d(Σ_k w_k·loss_k)/dz. */
function reference(z: tf.Tensor3D, y: tf.Tensor, weights: tf.Tensor1D): tf.Tensor[] {
  const loss = (t: tf.Tensor3D) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(t)), 2), 1));
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(loss(t as tf.Tensor3D), weights)))(z);
  const picked = tf.sum(tf.mul(y, tf.oneHot(tf.argMax(z, 2), z.shape[2])), 2);
  return [loss(z), tf.mean(picked, 1), grad];
}

export async function stepKernelsCheck(): Promise<{ fused: boolean; results: FusedLossCase[]; nanLossIsNaN: boolean }> {
  if (!stepKernelsOn()) return { fused: false, results: [], nanLossIsNaN: true };
  const results: FusedLossCase[] = [];
  const cases: { label: string; K: number; B: number; C: number; perModel: boolean; ties: boolean }[] = [
    { label: 'K=1, B=128, C=10 (an MNIST batch)', K: 1, B: 128, C: 10, perModel: false, ties: false },
    { label: 'K=3, B=7, C=3, labels per model', K: 3, B: 7, C: 3, perModel: true, ties: false },
    { label: 'K=4, B=5, C=4, tied logits', K: 4, B: 5, C: 4, perModel: false, ties: true },
    { label: 'K=2, B=1, C=5', K: 2, B: 1, C: 5, perModel: false, ties: false },
  ];
  for (const c of cases) {
    const logits = values(c.K, c.B, c.C, c.K, c.ties);
    const z = tf.tensor3d(logits, [c.K, c.B, c.C]);
    // shared labels follow model 0's logits: the other models hit some and miss some
    const y = c.perModel
      ? tf.tensor3d(oneHot(logits, c.C, 1), [c.K, c.B, c.C])
      : tf.tensor2d(oneHot(logits.subarray(0, c.B * c.C), c.C, 3), [c.B, c.C]);
    const weights = tf.tensor1d(Array.from({ length: c.K }, (_, k) => 1 + 0.5 * k));
    const got = tf.tidy(() => {
      let accuracy: tf.Tensor | null = null;
      let loss: tf.Tensor | null = null;
      // weighted, so each model's gradient has its own dy
      const [grad] = tf.grads((t: tf.Tensor) => {
        const r = softmaxXentFused(t as tf.Tensor3D, y);
        loss = tf.keep(r.loss);
        accuracy = tf.keep(r.accuracy);
        return tf.sum(tf.mul(r.loss, weights));
      })([z]);
      return [loss as unknown as tf.Tensor, accuracy as unknown as tf.Tensor, grad];
    });
    const want = tf.tidy(() => reference(z, y, weights));
    let worst = 0;
    for (let i = 0; i < 3; i++) worst = Math.max(worst, maxRelError(await got[i].data(), await want[i].data()));
    const acc = Array.from(await got[1].data(), (a) => a.toFixed(2)).join(' ');
    results.push({ label: `cross-entropy, accuracy (${acc}), gradient: ${c.label}`, maxRelError: worst });
    tf.dispose([z, y, weights, ...got, ...want]);
  }
  for (const shape of [
    [1, 128, 64],
    [2, 5, 3],
  ] as [number, number, number][]) {
    const n = shape[0] * shape[1] * shape[2];
    const y = tf.tidy(() =>
      tf.relu(
        tf.tensor3d(
          Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3)),
          shape,
        ),
      ),
    );
    const dy = tf.tensor3d(
      Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7)),
      shape,
    );
    const [a, b] = tf.tidy(() => [reluGradFused(dy, y), tf.mul(dy, tf.step(y))]);
    results.push({
      label: `relu gradient ${shape.join('×')}`,
      maxRelError: maxRelError(await a.data(), await b.data()),
    });
    tf.dispose([y, dy, a, b]);
  }
  for (const shape of [
    [1, 128, 64],
    [2, 5, 3],
    [3, 1, 7],
  ] as [number, number, number][]) {
    const n = shape[0] * shape[1] * shape[2];
    // a packed input from a relu gradient, as in the step, and an unpacked one from JavaScript
    const dz = tf.tensor3d(
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 2.1) * 3),
      shape,
    );
    const [a, b] = tf.tidy(() => [biasGradFused(dz), tf.sum(dz, 1, true)]);
    results.push({
      label: `bias gradient ${shape.join('×')}`,
      maxRelError: maxRelError(await a.data(), await b.data()),
    });
    tf.dispose([dz, a, b]);
  }
  // a step's diagnostics: gradient norm over every gradient and each layer's update ratio, one program
  const sets: { label: string; K: number; grads: number[][]; weights: number[][] }[] = [
    {
      label: 'MNIST MLP 784-128-64-10',
      K: 1,
      grads: [
        [784, 128],
        [1, 128],
        [128, 64],
        [1, 64],
        [64, 10],
        [1, 10],
      ],
      weights: [
        [784, 128],
        [128, 64],
        [64, 10],
      ],
    },
    {
      label: 'K=3, odd shapes',
      K: 3,
      grads: [
        [5, 3],
        [1, 3],
        [3, 1],
        [1, 1],
      ],
      weights: [
        [5, 3],
        [3, 1],
      ],
    },
    {
      label: 'K=2, a conv layer',
      K: 2,
      grads: [
        [5, 5, 1, 4],
        [1, 4],
      ],
      weights: [[5, 5, 1, 4]],
    },
  ];
  for (const set of sets) {
    let seed = 0;
    const make = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: set.K * shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.77 + ++seed)),
        [set.K, ...shape],
      );
    const grads = set.grads.map(make);
    const before = set.weights.map(make);
    const after = tf.tidy(() => before.map((w, l) => tf.add(w, tf.mul(grads[2 * l], 0.01))));
    const fused = stepDiagnosticsFused(grads, before, after);
    const want = tf.tidy(() => {
      const sq = (t: tf.Tensor) => tf.sum(tf.square(tf.reshape(t, [set.K, -1])), 1);
      const norm = tf.sqrt(grads.map(sq).reduce((a, b) => tf.add(a, b)));
      return tf.stack([
        norm,
        ...before.map((w, l) => tf.div(tf.sqrt(sq(tf.sub(after[l], w))), tf.add(tf.sqrt(sq(w)), 1e-12))),
      ]);
    });
    results.push({
      label: `diagnostics (gradient norm, update ratios): ${set.label}`,
      maxRelError: fused ? maxRelError(await fused.data(), await want.data()) : Infinity,
    });
    tf.dispose([...grads, ...before, ...after, want, ...(fused ? [fused] : [])]);
  }
  // a diverged model: a NaN logit must make its loss NaN (the loop marks the run diverged from it)
  const z = tf.tensor3d([1, NaN, 0, 2, 1, 0], [2, 1, 3]);
  const y = tf.tensor2d([[0, 1, 0]]);
  const loss = tf.tidy(() => softmaxXentFused(z, y).loss);
  const v = await loss.data();
  tf.dispose([z, y, loss]);
  return { fused: true, results, nanLossIsNaN: Number.isNaN(v[0]) && Number.isFinite(v[1]) };
}
