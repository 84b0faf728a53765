/**
 * A turn of the event loop for long engine loops. On the GPU backends a readback waits for the device
 * and so yields; on the cpu backend everything is synchronous and a loop would never let a Cancel
 * message (or, on the main-thread fallback, a click) through. Every loop calls its yielder once per
 * step: it gives the event loop a turn when YIELD_MS of work have passed since the last one.
 */
export const YIELD_MS = 40;

let channel: { port: MessagePort; queue: (() => void)[] } | null = null;

/** One macrotask: setImmediate in Node, a MessageChannel message in a browser (setTimeout is clamped to 4 ms). */
function macrotask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    const ch = new MessageChannel();
    const queue: (() => void)[] = [];
    ch.port1.onmessage = () => queue.shift()?.();
    channel = { port: ch.port2, queue };
  }
  const c = channel;
  return new Promise((resolve) => {
    c.queue.push(resolve);
    c.port.postMessage(0);
  });
}

/**
 * A function to await once per step: cheap when it is not yet time, a macrotask when it is. `everyStep`
 * (the cpu backend) yields at every step instead: concurrent loops (the training lab's optimizer groups)
 * then interleave in the same order on every run, where a clock would make their order vary.
 */
export function yielder(options: { everyStep?: boolean } = {}): () => Promise<void> | void {
  let last = performance.now();
  return () => {
    if (!options.everyStep && performance.now() - last < YIELD_MS) return;
    return macrotask().then(() => {
      last = performance.now();
    });
  };
}
