import { test, expect } from './fixtures';

/**
 * The optimizers on the GPU backends against PyTorch: the unit tests check every torch.optim fixture
 * on tfjs's cpu backend; this runs the same fixtures in the browser on webgpu and webgl, where Adam
 * and AdamW step through the fused kernel (fusedAdam.ts), and compares that kernel with the tf-op
 * path on awkward shapes (odd sizes, rank 3, a 784×128 layer). The MLP fixtures check the fused
 * matmul layers and their hand-written gradients (models.ts) on the GPU kernels. The packed row
 * gather that feeds training batches on webgl (gatherRows.ts) must return exactly tf.gather's rows,
 * and the fused loss programs (stepKernels.ts) must give tf ops' loss, accuracy and gradients; the
 * particle cloud's programs (cloudKernels.ts) tf ops' gradients and bookkeeping.
 */
test("every optimizer, and the MLP's outputs, loss and gradients, give torch's numbers on this backend, and the fused Adam kernel equals Adam in tf ops", async ({
  page,
  backend,
}) => {
  await page.goto(`./selftest.html?backend=${backend}`);
  await page.waitForFunction(() => window.selftest !== undefined, undefined, { timeout: 90_000 });
  const r = await page.evaluate(() => window.selftest!);
  expect(r.error).toBeUndefined();
  expect(r.backend).toBe(backend);
  expect(r.fusedAdam).toBe(true);
  // SwiftShader's WebGPU adapter gets tfjs's tiled matmul program (backend.ts), and the fixtures below run on it
  expect(r.webgpuMatmulProgram).toBe(backend === 'webgpu' ? 3 : null);
  expect(r.fixtures.length).toBeGreaterThanOrEqual(31);
  expect(r.fixtures.filter((f) => !(f.maxRelError < 1e-4)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  expect(r.models.length).toBe(9);
  expect(r.models.filter((f) => !(f.maxRelError < 1e-4)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  expect(r.fusion.map((f) => f.label)).toContain('adamw 1×784×128');
  expect(r.fusion.filter((f) => !(f.maxRelError < 1e-5)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  // the other optimizers' rules as the fused element-wise step (9 option sets × 4 shapes and switches)
  expect(r.fusedStep).toBe(true);
  expect(r.stepFusion.length).toBe(36);
  expect(r.stepFusion.filter((f) => !(f.maxRelError < 1e-5)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  // training batches: the packed row gather on webgl, tf.gather elsewhere; either way exactly tf.gather's rows
  expect(r.gatherPacked).toBe(backend === 'webgl');
  expect(r.gather.length).toBe(5);
  expect(r.gather.filter((g) => g.maxAbsError !== 0).map((g) => `${g.label}: ${g.maxAbsError}`)).toEqual([]);
  // the classifier's loss, accuracy and gradient, and relu's gradient, as fused programs on both GPU backends
  expect(r.fusedLoss).toBe(true);
  expect(r.loss.length).toBe(12);
  expect(r.loss.filter((f) => !(f.maxRelError < 1e-5)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  expect(r.nanLossIsNaN).toBe(true);
  // the particle cloud's gradient (every objective, 9 parameter sets × 2 sizes) and its bookkeeping, as programs on both GPU backends
  expect(r.cloud.length).toBe(19);
  expect(r.cloud.filter((f) => !(f.maxRelError < 1e-5)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  // on SwiftShader's WebGPU adapter the dense layers' products are plainMatMul.ts's programs (the MLP fixtures above ran on them); not on webgl
  expect(r.matmul.length).toBe(backend === 'webgpu' ? 7 : 0);
  expect(r.matmul.filter((f) => !(f.maxRelError < 1e-5)).map((f) => `${f.label}: ${f.maxRelError}`)).toEqual([]);
  expect(r.tensorsLeft).toBe(0);
  expect(r.passed).toBe(true);
  await expect(page.getByTestId('selftest-status')).toContainText('All checks passed');
  await page.screenshot({ path: `test-results/screens/selftest-${backend}.png`, fullPage: true });
});
