/**
 * The self-test page (selftest.html): the torch.optim fixtures, the MLP fixtures (outputs, loss and
 * gradients of models.ts' fused layers) and the fused-Adam comparison on the backend named in
 * ?backend=. The e2e suite opens it on webgpu and webgl and reads `window.selftest`.
 * Plain DOM: this page is a report, not part of the app.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../engine/backend';
import { backendDescribe, backendIsName } from '../engine/backendInfo';
import { gatherRowsCheck } from '../engine/data/gatherRows';
import { stepKernelsCheck } from '../engine/models/stepKernelsCheck';
import { cloudKernelsCheck } from '../engine/surface/cloudKernelsCheck';
import { plainMatMulCheck } from '../engine/models/plainMatMulCheck';
import { modelCheckAll } from '../engine/models/modelCheck';
import { adamFusionCheck, stepFusionCheck, TORCH_VERSION, torchCheckAll } from '../engine/optimizers/torchCheck';

/** fixtures: worst relative error against torch; fusion: fused kernel against tf ops */
export const SELFTEST_TOLERANCE = { fixtures: 1e-4, fusion: 1e-5 };

export interface SelfTestReport {
  backend: string;
  requested: string | null;
  fusedAdam: boolean;
  /** tf.env()'s WEBGPU_MATMUL_PROGRAM_TYPE on webgpu (3, the tiled program, on a SwiftShader adapter: backend.ts); null elsewhere */
  webgpuMatmulProgram: number | null;
  fixtures: { label: string; maxRelError: number }[];
  models: { label: string; maxRelError: number }[];
  fusion: { label: string; maxRelError: number }[];
  /** whether the other optimizers' rules run as the fused element-wise step (fusedStep.ts: webgl and webgpu) */
  fusedStep: boolean;
  /** each rule fused against its tf-op path (pass: < fusion) */
  stepFusion: { label: string; maxRelError: number }[];
  /** whether the training loop's batches come from the packed row gather (gatherRows.ts: webgl only) */
  gatherPacked: boolean;
  /** whether the fused loss programs run here (stepKernels.ts: webgl and webgpu) */
  fusedLoss: boolean;
  /** those programs against tf ops (pass: worst relative error < fusion) */
  loss: { label: string; maxRelError: number }[];
  /** a NaN logit gives that model a NaN loss and leaves the other's finite */
  nanLossIsNaN: boolean;
  /** OptiplayMatMul (plainMatMul.ts: webgpu on a SwiftShader adapter only) against tfjs's matmul (pass: < fusion); empty elsewhere */
  matmul: { label: string; maxRelError: number }[];
  /** the particle cloud's programs (cloudKernels.ts: webgl and webgpu) against tf ops (pass: < fusion); empty on cpu */
  cloud: { label: string; maxRelError: number }[];
  /** gatherRows against tf.gather: largest absolute difference (pass: exactly 0) */
  gather: { label: string; maxAbsError: number }[];
  tensorsLeft: number;
  passed: boolean;
  error?: string;
}

declare global {
  interface Window {
    selftest?: SelfTestReport;
  }
}

const status = document.getElementById('status')!;
const out = document.getElementById('out')!;

/** limit 0: the error must be exactly 0 */
function table(
  title: string,
  rows: { label: string; maxRelError: number }[],
  limit: number,
  what = 'worst relative error',
): void {
  const h = document.createElement('h2');
  h.textContent = `${title} (pass: ${what} ${limit === 0 ? '= 0' : `< ${limit}`})`;
  const t = document.createElement('table');
  t.innerHTML = `<tr><th>case</th><th>${what}</th><th></th></tr>`;
  for (const r of rows) {
    const tr = t.insertRow();
    const ok = limit === 0 ? r.maxRelError === 0 : r.maxRelError < limit;
    tr.insertCell().textContent = r.label;
    const num = tr.insertCell();
    num.className = 'num';
    num.textContent = r.maxRelError.toExponential(2);
    const verdict = tr.insertCell();
    verdict.className = ok ? 'pass' : 'fail';
    verdict.textContent = ok ? 'pass' : 'FAIL';
  }
  out.append(h, t);
}

async function main(): Promise<void> {
  const asked = new URLSearchParams(location.search).get('backend');
  const report = await backendSelect(backendIsName(asked) ? asked : undefined);
  status.textContent = `${backendDescribe(report)}${asked && !backendIsName(asked) ? ` (unknown backend "${asked}" ignored)` : ''} — running…`;
  await new Promise((r) => setTimeout(r, 0));
  const before = tf.memory().numTensors;
  const fixtures = await torchCheckAll();
  const models = await modelCheckAll();
  const fusion = await adamFusionCheck();
  const stepFusion = await stepFusionCheck();
  const gather = await gatherRowsCheck();
  const loss = await stepKernelsCheck();
  const cloud = await cloudKernelsCheck();
  const matmul = await plainMatMulCheck();
  const tensorsLeft = tf.memory().numTensors - before;
  const passed =
    [...fixtures, ...models].every((r) => r.maxRelError < SELFTEST_TOLERANCE.fixtures) &&
    [...fusion.results, ...stepFusion.results, ...loss.results, ...cloud, ...matmul].every(
      (r) => r.maxRelError < SELFTEST_TOLERANCE.fusion,
    ) &&
    gather.results.every((r) => r.maxAbsError === 0) &&
    loss.nanLossIsNaN &&
    tensorsLeft === 0;
  const webgpuMatmulProgram = report.active === 'webgpu' ? tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE') : null;
  window.selftest = {
    backend: report.active,
    requested: asked,
    fusedAdam: fusion.fused,
    webgpuMatmulProgram,
    fixtures,
    models,
    fusion: fusion.results,
    fusedStep: stepFusion.fused,
    stepFusion: stepFusion.results,
    gatherPacked: gather.packed,
    gather: gather.results,
    fusedLoss: loss.fused,
    loss: loss.results,
    nanLossIsNaN: loss.nanLossIsNaN,
    cloud,
    matmul,
    tensorsLeft,
    passed,
  };
  status.textContent = `${backendDescribe(report)}. ${passed ? 'All checks passed' : 'Some checks FAILED'}: ${fixtures.length} torch ${TORCH_VERSION} optimizer fixtures and ${models.length} model fixtures; Adam ${fusion.fused ? 'runs as one fused kernel here' : 'runs in tf ops here (no fused kernel on this backend)'}, the other optimizers ${stepFusion.fused ? 'as fused steps' : 'in tf ops'}; the training step's own programs ${loss.fused ? `run here (${loss.results.length} checks)` : 'are not used on this backend'}; the particle cloud's programs ${cloud.length ? `run here (${cloud.length} checks)` : 'are not used on this backend'}; ${tensorsLeft} tensors left.`;
  table(`torch.optim fixtures on ${report.active}`, fixtures, SELFTEST_TOLERANCE.fixtures);
  table(`MLP outputs, loss and gradients against torch on ${report.active}`, models, SELFTEST_TOLERANCE.fixtures);
  table(
    fusion.fused
      ? 'Fused Adam kernel against Adam in tf ops (5 steps, weight decay 0.05)'
      : 'Adam in tf ops against itself (this backend has no fused kernel)',
    fusion.results,
    SELFTEST_TOLERANCE.fusion,
  );
  table(
    stepFusion.fused
      ? "The other optimizers' rules as one fused step (two programs) against the same rules in tf ops (5 steps)"
      : 'The other optimizers in tf ops against themselves (this backend has no fused step)',
    stepFusion.results,
    SELFTEST_TOLERANCE.fusion,
  );
  table(
    gather.packed
      ? 'Packed row gather (training batches) against tf.gather'
      : 'Row gather: tf.gather on this backend (no packed program), against itself',
    gather.results.map((r) => ({ label: r.label, maxRelError: r.maxAbsError })),
    0,
    'largest absolute error',
  );
  if (loss.fused) {
    table(
      "The training step's programs (cross-entropy with accuracy, relu and bias gradients, diagnostics) against tf ops",
      loss.results,
      SELFTEST_TOLERANCE.fusion,
    );
    const p = document.createElement('p');
    p.textContent = `A NaN logit gives that model a NaN loss (so the run is marked diverged): ${loss.nanLossIsNaN ? 'pass' : 'FAIL'}`;
    out.append(p);
  }
  if (matmul.length > 0)
    table(
      "Batched matrix products without workgroup memory (this software adapter) against tfjs's matmul",
      matmul,
      SELFTEST_TOLERANCE.fusion,
    );
  if (cloud.length > 0)
    table(
      "The particle cloud's programs (each objective's gradient, the first step within ε) against tf ops",
      cloud,
      SELFTEST_TOLERANCE.fusion,
    );
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  status.textContent = `The self-test could not run: ${message}`;
  window.selftest = {
    backend: tf.getBackend() ?? 'none',
    requested: null,
    fusedAdam: false,
    webgpuMatmulProgram: null,
    fixtures: [],
    models: [],
    fusion: [],
    fusedStep: false,
    stepFusion: [],
    gatherPacked: false,
    gather: [],
    fusedLoss: false,
    loss: [],
    nanLossIsNaN: false,
    cloud: [],
    matmul: [],
    tensorsLeft: 0,
    passed: false,
    error: message,
  };
});
