/**
 * Values a loop computes on the device step by step and reads back in chunks: each step pushes its
 * tensors under a name, and `read` brings every pending one back in a single readback (one concat,
 * one `await data()`), never a synchronous read per step. Shared by the training loop, the surface
 * runner and the particle cloud.
 */
import * as tf from '@tensorflow/tfjs-core';

/** the most values one readback brings back (4 M floats, 16 MB) */
const READ_MAX = 4 * 1024 * 1024;

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
   * Reads every pending tensor back (one readback, or one per 16 MB) and frees them: per name, the
   * values of each push in the order pushed.
   */
  async read(): Promise<Record<string, Float32Array[]>> {
    const items = this.items;
    this.items = [];
    const out: Record<string, Float32Array[]> = {};
    try {
      // one readback per READ_MAX values at most: a particle cloud's frames would otherwise need a second copy of them all at once
      for (let at = 0; at < items.length;) {
        let end = at + 1;
        let size = items[at].tensor.size;
        while (end < items.length && size + items[end].tensor.size <= READ_MAX) size += items[end++].tensor.size;
        const group = items.slice(at, end);
        const joined =
          group.length === 1 ? null : tf.tidy(() => tf.concat(group.map((i) => tf.reshape(i.tensor, [-1]))));
        const values = (await (joined ?? group[0].tensor).data()) as Float32Array;
        joined?.dispose();
        let offset = 0;
        for (const { name, tensor } of group) {
          (out[name] ??= []).push(values.subarray(offset, offset + tensor.size));
          offset += tensor.size;
        }
        at = end;
      }
      return out;
    } finally {
      tf.dispose(items.map((i) => i.tensor));
    }
  }

  dispose(): void {
    tf.dispose(this.items.map((i) => i.tensor));
    this.items = [];
  }
}
