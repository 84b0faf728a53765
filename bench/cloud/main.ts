/**
 * Times the particle cloud in the browser: ?backend=webgpu|webgl|cpu&count=N&steps=S&repeat=R.
 * Writes one JSON line per repetition to the page and sets window.benchDone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../../src/engine/backend';
import { backendIsName } from '../../src/engine/backendInfo';
import { surfaceSpecParseValid } from '../../src/engine/spec/schema';
import { cloudRun } from '../../src/engine/surface/runCloud';

const q = new URLSearchParams(location.search);
const out = document.getElementById('out')!;
const emit = (o: unknown) => (out.textContent += `${JSON.stringify(o)}\n`);
(async () => {
  const requested = q.get('backend');
  const report = await backendSelect(backendIsName(requested) ? requested : undefined);
  const count = Number(q.get('count') ?? 10000);
  const steps = Number(q.get('steps') ?? 150);
  const repeat = Number(q.get('repeat') ?? 3);
  const spec = surfaceSpecParseValid({
    objective: { name: 'himmelblau' },
    steps,
    seed: 2,
    runs: [{ optimizer: { name: 'sgd', lr: 0.01 } }, { optimizer: { name: 'sgd', lr: 0.002, momentum: 0.9 } }],
  });
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const cloud = await cloudRun(spec, { count, epsilon: 0.05, frames: 20 });
    emit({
      backend: report.active,
      runs: 2,
      count,
      steps,
      seconds: (performance.now() - t0) / 1000,
      reached: cloud.runs[0].shareReached,
      tensorsLeft: tf.memory().numTensors - before,
    });
  }
  (window as unknown as { benchDone: boolean }).benchDone = true;
})().catch((err) => {
  emit({ error: String(err) });
  (window as unknown as { benchDone: boolean }).benchDone = true;
});
