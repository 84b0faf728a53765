import { test, expect } from './fixtures';

/**
 * The engine's numbers on the GPU backends: the unit tests check every torch.optim fixture, the MLP
 * fixtures and every kernel's cases on tfjs's cpu; this runs the same in the browser on webgpu and
 * webgl, where the optimizers step through the fused element-wise kernel, the dense layers' loss and
 * gradients through the training step's programs, and the particle cloud through its own. Every kernel
 * defined in src/engine/kernels is checked by being defined: the page loops over them.
 */
test("every optimizer, the MLP's outputs, loss and gradients, and every kernel give the reference numbers on this backend", async ({
  page,
  backend,
}) => {
  // on SwiftShader's WebGL every readback is slow, and L-BFGS reads its line search's values each
  // iteration: the page takes about 90 s there (its status line prints each part's time)
  test.setTimeout(300_000);
  await page.goto(`./selftest.html?backend=${backend}`);
  await page.waitForFunction(() => window.selftest !== undefined, undefined, { timeout: 270_000 });
  const r = await page.evaluate(() => window.selftest!);
  console.log(`self-test on ${backend}: ${JSON.stringify(r.seconds)} s`);
  expect(r.error).toBeUndefined();
  expect(r.backend).toBe(backend);
  // SwiftShader's WebGPU adapter gets tfjs's tiled matmul program (backend.ts), and the fixtures below run on it
  expect(r.webgpuMatmulProgram).toBe(backend === 'webgpu' ? 3 : null);
  // 58 torch.optim and reference cases, 5 least-squares matrix cases, 8 L-BFGS cases
  expect(r.fixtures.length).toBeGreaterThanOrEqual(71);
  expect(r.fixtures.filter((f) => f.label.startsWith('lbfgs '))).toHaveLength(8);
  expect(r.fixtures.filter((f) => !(f.maxRelError < 1e-4)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  expect(r.models.length).toBeGreaterThanOrEqual(9);
  expect(r.models.filter((f) => !(f.maxRelError < 1e-4)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  // every kernel has cases, and each passes against tf ops and the plain loop
  expect(r.kernels.filter((k) => k.cases === 0).map((k) => k.name)).toEqual([]);
  expect(
    r.kernelCases.filter((c) => !c.passed).map((c) => `${c.kernel} ${c.label}: ${c.vsReference} / ${c.vsNaive}`),
  ).toEqual([]);
  // which kernels run their own programs here: all but the row gather (webgl only) and the matrix
  // products (a software WebGPU adapter and cpu only) on both GPU backends
  const programs = Object.fromEntries(r.kernels.map((k) => [k.name, k.program]));
  for (const name of [
    'OptiplayElementwiseStep',
    'OptiplayXentStats',
    'OptiplayXentGrad',
    'OptiplayReluGrad',
    'OptiplayBiasGrad',
    'OptiplayStepDiagnostics',
    'OptiplayObjectiveGrad',
    'OptiplayCloudReached',
  ]) {
    expect(programs[name], name).toBe(true);
  }
  expect(programs.OptiplayGatherRows).toBe(backend === 'webgl');
  expect(programs.OptiplayMatMul).toBe(backend === 'webgpu');
  expect(r.tensorsLeft).toBe(0);
  expect(r.passed).toBe(true);
  await expect(page.getByTestId('selftest-status')).toContainText('All checks passed');
  await page.screenshot({ path: `test-results/screens/selftest-${backend}.png`, fullPage: true });
});
