/**
 * tfjs's gradient tape keeps a copy of every op's saved inputs until the backward pass has run; when
 * an op throws inside `tf.grads` (a lost GPU context, an allocation that fails, a kernel's error), the
 * copies stay on the tape, which the next `tf.grads` replaces without disposing, and a value computed
 * before a failing backward pass is left untracked. `gradientsGuarded` gives both back.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

export function gradientsGuarded<T extends tf.TensorContainer>(run: () => T): T {
  try {
    return tf.tidy(run); // the tidy gives back the forward value when the backward pass fails
  } catch (err) {
    const state = tf.engine().state as unknown as TapeState;
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
      state.activeTape = null;
    }
    throw err;
  }
}
