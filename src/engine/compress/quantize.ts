/**
 * Uniform quantization as PyTorch does it (torch.ao.quantization.MinMaxObserver and
 * fake_quantize_per_tensor/per_channel_affine; the same real = scale · (q − zero_point) convention
 * as the TF Lite quantization spec):
 *   affine:    q ∈ [0, 2^b − 1],  scale = (max⁺ − min⁻) / (qmax − qmin),  z = qmin − round(min⁻ / scale)
 *   symmetric: q ∈ [−2^(b−1), 2^(b−1) − 1],  scale = max(|min⁻|, max⁺) / ((qmax − qmin) / 2),  z = 0
 * with min⁻ = min(min, 0), max⁺ = max(max, 0) (zero is always exactly representable) and scale at
 * least float32's ε. Fake quantization: x̂ = (clamp(round(x / s) + z, qmin, qmax) − z) · s, rounding
 * half to even. Its gradient is the straight-through estimator: 1 where round(x / s) + z lies in
 * [qmin, qmax], 0 outside (no gradient through the clamp).
 *
 * Weights are [K, …, out]: per tensor means one (scale, z) per model; per channel one per model and
 * output unit (the last axis), as PerChannelMinMaxObserver with ch_axis = the output axis.
 */
import * as tf from '@tensorflow/tfjs-core';

export type QuantScheme = 'affine' | 'symmetric';

export interface QuantConfig {
  bits: number;
  scheme: QuantScheme;
  perChannel: boolean;
}

const F32_EPS = 1.1920928955078125e-7;

export function quantRange(bits: number, scheme: QuantScheme): { qmin: number; qmax: number } {
  return scheme === 'affine'
    ? { qmin: 0, qmax: 2 ** bits - 1 }
    : { qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
}

/** Rounds half to even, like torch.round and nearbyint. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** scale and zero point for values in [min, max] (MinMaxObserver._calculate_qparams). */
export function quantParams(
  min: number,
  max: number,
  bits: number,
  scheme: QuantScheme,
): { scale: number; zeroPoint: number } {
  const { qmin, qmax } = quantRange(bits, scheme);
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (scheme === 'symmetric') {
    const scale = Math.max(Math.max(-lo, hi) / ((qmax - qmin) / 2), F32_EPS);
    return { scale: Math.fround(scale), zeroPoint: 0 };
  }
  const scale = Math.fround(Math.max((hi - lo) / (qmax - qmin), F32_EPS));
  const zeroPoint = Math.min(qmax, Math.max(qmin, qmin - roundHalfEven(lo / scale)));
  return { scale, zeroPoint };
}

/** Per-model (and per-channel) min and max of a [K, …, out] tensor, shaped to broadcast against it. */
function ranges(w: tf.Tensor, perChannel: boolean): { min: tf.Tensor; max: tf.Tensor } {
  return tf.tidy(() => {
    const K = w.shape[0];
    const out = w.shape[w.rank - 1];
    const flat = perChannel ? tf.reshape(w, [K, -1, out]) : tf.reshape(w, [K, -1]);
    const shape = perChannel
      ? [K, ...new Array<number>(w.rank - 2).fill(1), out]
      : [K, ...new Array<number>(w.rank - 1).fill(1)];
    return { min: tf.reshape(tf.min(flat, 1), shape), max: tf.reshape(tf.max(flat, 1), shape) };
  });
}

/** scale and zero point of each model (and channel) on the device, broadcastable against w. */
export function quantParamsOf(w: tf.Tensor, cfg: QuantConfig): { scale: tf.Tensor; zeroPoint: tf.Tensor } {
  return tf.tidy(() => {
    const { qmin, qmax } = quantRange(cfg.bits, cfg.scheme);
    const { min, max } = ranges(w, cfg.perChannel);
    const lo = tf.minimum(min, 0);
    const hi = tf.maximum(max, 0);
    if (cfg.scheme === 'symmetric') {
      const scale = tf.maximum(tf.div(tf.maximum(tf.neg(lo), hi), (qmax - qmin) / 2), F32_EPS);
      return { scale, zeroPoint: tf.zerosLike(scale) };
    }
    const scale = tf.maximum(tf.div(tf.sub(hi, lo), qmax - qmin), F32_EPS);
    const zeroPoint = tf.clipByValue(tf.sub(qmin, tf.round(tf.div(lo, scale))), qmin, qmax);
    return { scale, zeroPoint };
  });
}

/**
 * x̂ = (clamp(round(x / s) + z, qmin, qmax) − z) · s with the straight-through gradient (the
 * upstream gradient where round(x / s) + z is in range, 0 elsewhere); `qparams` gives s and z for
 * the input and is not differentiated.
 */
function fakeQuantOp(
  x: tf.Tensor,
  qmin: number,
  qmax: number,
  qparams: (input: tf.Tensor) => { scale: tf.Tensor; zeroPoint: tf.Tensor },
): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const { scale, zeroPoint } = qparams(input);
    const q = tf.add(tf.round(tf.div(input, scale)), zeroPoint);
    const inside = tf.logicalAnd(tf.greaterEqual(q, qmin), tf.lessEqual(q, qmax));
    save([inside]);
    const value = tf.mul(tf.sub(tf.clipByValue(q, qmin, qmax), zeroPoint), scale);
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(saved[0], 'float32')) };
  });
  return op(x) as tf.Tensor;
}

/** Fake quantization with a given scale and zero point (activations, fixed ranges). */
export function fakeQuantize(
  x: tf.Tensor,
  scale: tf.Tensor,
  zeroPoint: tf.Tensor,
  qmin: number,
  qmax: number,
): tf.Tensor {
  return fakeQuantOp(x, qmin, qmax, () => ({ scale, zeroPoint }));
}

/**
 * Fake-quantizes a [K, …, out] weight with its own min/max (post-training quantization, and the
 * forward pass of quantization-aware training). The min/max are observed, not differentiated: the
 * gradient is the straight-through estimator only, as with PyTorch's FakeQuantize.
 */
export function quantizeWeight(w: tf.Tensor, cfg: QuantConfig): tf.Tensor {
  const { qmin, qmax } = quantRange(cfg.bits, cfg.scheme);
  return fakeQuantOp(w, qmin, qmax, (input) => quantParamsOf(input, cfg));
}
