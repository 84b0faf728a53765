/**
 * The self-test page (selftest.html): on the backend named in ?backend=, the torch.optim fixtures, the
 * MLP fixtures (outputs, loss and gradients against torch) and every defined kernel's cases against its
 * tf-op and plain-loop references. The e2e suite opens it on webgpu and webgl and reads `window.selftest`.
 * Plain DOM: this page is a report, not part of the app.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendSelect } from '../engine/backend';
import { backendDescribe, backendIsName } from '../engine/backendInfo';
import { kernelChecks, type KernelCaseResult } from '../engine/checks/kernels';
import { modelCheckAll } from '../engine/checks/torchModels';
import { TORCH_VERSION, torchCheckAll } from '../engine/checks/torchOptimizers';
import { KERNELS } from '../engine/kernels';

/** fixtures: worst relative error against torch */
export const SELFTEST_TOLERANCE = 1e-4;

export interface SelfTestReport {
  backend: string;
  requested: string | null;
  /** tf.env()'s WEBGPU_MATMUL_PROGRAM_TYPE on webgpu (3, the tiled program, on a SwiftShader adapter: backend.ts); null elsewhere */
  webgpuMatmulProgram: number | null;
  fixtures: { label: string; maxRelError: number }[];
  models: { label: string; maxRelError: number }[];
  /** every kernel: whether its own program runs on this backend, and how many cases it has */
  kernels: { name: string; program: boolean; cases: number }[];
  kernelCases: KernelCaseResult[];
  tensorsLeft: number;
  passed: boolean;
  /** wall time of each part, so a slow backend shows where it spends it */
  seconds?: { fixtures: number; models: number; kernels: number };
  error?: string;
}

declare global {
  interface Window {
    selftest?: SelfTestReport;
  }
}

const status = document.getElementById('status')!;
const out = document.getElementById('out')!;

function table(title: string, header: string[], rows: { cells: string[]; ok: boolean }[]): void {
  const h = document.createElement('h2');
  h.textContent = title;
  const t = document.createElement('table');
  t.innerHTML = `<tr>${[...header, ''].map((c) => `<th>${c}</th>`).join('')}</tr>`;
  for (const r of rows) {
    const tr = t.insertRow();
    r.cells.forEach((c, i) => {
      const cell = tr.insertCell();
      cell.textContent = c;
      if (i > 0) cell.className = 'num';
    });
    const verdict = tr.insertCell();
    verdict.className = r.ok ? 'pass' : 'fail';
    verdict.textContent = r.ok ? 'pass' : 'FAIL';
  }
  out.append(h, t);
}

const exp = (v: number | null) => (v === null ? '—' : v.toExponential(2));

async function main(): Promise<void> {
  const asked = new URLSearchParams(location.search).get('backend');
  const report = await backendSelect(backendIsName(asked) ? asked : undefined);
  status.textContent = `${backendDescribe(report)}${asked && !backendIsName(asked) ? ` (unknown backend "${asked}" ignored)` : ''} — running…`;
  await new Promise((r) => setTimeout(r, 0));
  const before = tf.memory().numTensors;
  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await run();
    return [value, Math.round(performance.now() - t0)];
  };
  const [fixtures, fixturesMs] = await timed(torchCheckAll);
  const [models, modelsMs] = await timed(modelCheckAll);
  const [kernelCases, kernelsMs] = await timed(kernelChecks);
  const seconds = { fixtures: fixturesMs / 1000, models: modelsMs / 1000, kernels: kernelsMs / 1000 };
  const tensorsLeft = tf.memory().numTensors - before;
  const kernels = KERNELS.map((k) => ({
    name: k.name,
    program: k.on(),
    cases: kernelCases.filter((c) => c.kernel === k.name).length,
  }));
  const passed =
    [...fixtures, ...models].every((r) => r.maxRelError < SELFTEST_TOLERANCE) &&
    kernelCases.every((c) => c.passed) &&
    tensorsLeft === 0;
  const webgpuMatmulProgram = report.active === 'webgpu' ? tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE') : null;
  window.selftest = {
    backend: report.active,
    requested: asked,
    webgpuMatmulProgram,
    fixtures,
    models,
    kernels,
    kernelCases,
    tensorsLeft,
    passed,
    seconds,
  };
  const programs = kernels.filter((k) => k.program).map((k) => k.name);
  status.textContent = `${backendDescribe(report)}. ${passed ? 'All checks passed' : 'Some checks FAILED'}: ${fixtures.length} torch ${TORCH_VERSION} optimizer fixtures, ${models.length} model fixtures, ${kernelCases.length} cases of ${kernels.length} kernels (their own programs here: ${programs.join(', ') || 'none'}); ${tensorsLeft} tensors left. Took ${seconds.fixtures.toFixed(1)} s (optimizers), ${seconds.models.toFixed(1)} s (models), ${seconds.kernels.toFixed(1)} s (kernels).`;
  const fixtureRows = (rows: { label: string; maxRelError: number }[]) =>
    rows.map((r) => ({ cells: [r.label, exp(r.maxRelError)], ok: r.maxRelError < SELFTEST_TOLERANCE }));
  table(
    `torch.optim fixtures on ${report.active} (pass: < ${SELFTEST_TOLERANCE})`,
    ['case', 'worst relative error'],
    fixtureRows(fixtures),
  );
  table(
    `MLP outputs, loss and gradients against torch on ${report.active} (pass: < ${SELFTEST_TOLERANCE})`,
    ['case', 'worst relative error'],
    fixtureRows(models),
  );
  for (const k of KERNELS) {
    const cases = kernelCases.filter((c) => c.kernel === k.name);
    table(
      `${k.name}: ${k.summary} — ${cases.some((c) => c.program) ? 'its own program' : 'tf ops (no program on this backend)'}`,
      ['case', 'against tf ops', 'against a float64 loop (decides on cpu)', 'pass below'],
      cases.map((c) => ({
        cells: [c.label, exp(c.vsReference), exp(c.vsNaive), c.tolerance === 0 ? 'exact' : String(c.tolerance)],
        ok: c.passed,
      })),
    );
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  status.textContent = `The self-test could not run: ${message}`;
  window.selftest = {
    backend: tf.getBackend() ?? 'none',
    requested: null,
    webgpuMatmulProgram: null,
    fixtures: [],
    models: [],
    kernels: [],
    kernelCases: [],
    tensorsLeft: 0,
    passed: false,
    error: message,
  };
});
