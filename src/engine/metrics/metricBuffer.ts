/**
 * Values a loop computes on the device step by step and reads back in chunks: each step pushes its
 * tensors under a name, and `read` brings every pending one back in a single readback (one concat,
 * one `await data()`), never a synchronous read per step. Shared by the training loop, the surface
 * runner and the particle cloud.
 */
import * as tf from '@tensorflow/tfjs-core';

export class MetricBuffer {
  private items: { name: string; tensor: tf.Tensor }[] = [];

  /** Adds a step's tensor; the buffer owns it from now on (push a clone of one you keep). */
  push(name: string, tensor: tf.Tensor): void {
    this.items.push({ name, tensor });
  }

  /** How many tensors are pending (under `name`, or all). */
  count(name?: string): number {
    return name === undefined ? this.items.length : this.items.filter((i) => i.name === name).length;
  }

  /**
   * Reads every pending tensor back at once and frees them: per name, the values of each push in the
   * order pushed (views into one array).
   */
  async read(): Promise<Record<string, Float32Array[]>> {
    const items = this.items;
    this.items = [];
    const out: Record<string, Float32Array[]> = {};
    if (items.length === 0) return out;
    const joined = items.length === 1 ? null : tf.tidy(() => tf.concat(items.map((i) => tf.reshape(i.tensor, [-1]))));
    try {
      const values = (await (joined ?? items[0].tensor).data()) as Float32Array;
      let offset = 0;
      for (const { name, tensor } of items) {
        (out[name] ??= []).push(values.subarray(offset, offset + tensor.size));
        offset += tensor.size;
      }
      return out;
    } finally {
      tf.dispose([...(joined ? [joined] : []), ...items.map((i) => i.tensor)]);
    }
  }

  dispose(): void {
    tf.dispose(this.items.map((i) => i.tensor));
    this.items = [];
  }
}
