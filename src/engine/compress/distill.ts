/**
 * Knowledge distillation (Hinton, Vinyals & Dean 2015): the student matches the teacher's
 * softened probabilities as well as the labels,
 *   L = α · T² · KL(softmax(z_t / T) ‖ softmax(z_s / T)) + (1 − α) · CE(y, softmax(z_s)),
 * averaged over the batch. T² keeps the soft term's gradients on the scale of the hard term's as T
 * grows (the soft gradients shrink like 1/T²).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Per model: student logits [K, B, C], teacher logits [B, C] (or [K, B, C]), one-hot labels [B, C]
 * (or [K, B, C]); returns [K].
 */
export function distillLoss(
  student: tf.Tensor3D,
  teacher: tf.Tensor2D | tf.Tensor3D,
  oneHot: tf.Tensor2D | tf.Tensor3D,
  T: number,
  alpha: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const logPs = tf.logSoftmax(tf.div(student, T));
    const logPt = tf.logSoftmax(tf.div(teacher, T));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1), -1);
    const ce = tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(student)), -1), -1));
    return tf.add(tf.mul(alpha * T * T, kl), tf.mul(1 - alpha, ce)) as tf.Tensor1D;
  });
}

/** softmax(z / T) of one row of logits, for the soft-target view. */
export function softTargets(logits: number[], T: number): number[] {
  const m = Math.max(...logits);
  const e = logits.map((z) => Math.exp((z - m) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
