import { appOpen, expect, test } from './fixtures';

test('opens on the requested backend and says so', async ({ page, backend }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await appOpen(page, backend);
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a surface experiment computes a path whose loss falls', async ({ page, backend }) => {
  await appOpen(page, backend);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  // the backend the engine computed on (tf.getBackend() at run time), not only the one asked for
  await expect(page.getByTestId('result-backend')).toHaveText(backend);
  for (const i of [0, 1, 2]) {
    const first = Number(await page.getByTestId(`loss-first-${i}`).textContent());
    const last = Number(await page.getByTestId(`loss-last-${i}`).textContent());
    expect(first).toBeCloseTo(24.2, 3); // Rosenbrock at (-1.2, 1)
    expect(last).toBeLessThan(first);
  }
  await expect(page.getByTestId('loss-chart').locator('.recharts-line')).toHaveCount(3);
  await page.screenshot({ path: `test-results/screens/surface-${backend}.png`, fullPage: true });
});

test('a broken link shows what was wrong and falls back to the defaults', async ({ page, backend }) => {
  await appOpen(page, backend, '#s=N4IgLgTg');
  const alert = page.getByTestId('link-error');
  await expect(alert).toContainText('This link could not be opened');
  await expect(alert).toContainText('corrupted or truncated');
  await expect(page.getByLabel('run 1 optimizer')).toHaveValue('sgd');
  await page.screenshot({ path: `test-results/screens/bad-link-${backend}.png` });
});

test('an unknown ?backend= value is reported and a working backend is used', async ({ page }) => {
  await page.goto('./?backend=metal');
  await expect(page.getByTestId('backend-notice')).toContainText('Unknown backend "metal"');
  await expect(page.getByTestId('backend-active')).not.toHaveText('starting…');
});

test('when WebGPU cannot start, the app falls back and says why', async ({ page, backend }) => {
  test.skip(backend !== 'webgl', 'needs a browser started without the WebGPU flags');
  await page.goto('./?backend=webgpu');
  await expect(page.getByTestId('backend-active')).toHaveText('webgl');
  await expect(page.getByTestId('backend-fallback')).toContainText('webgpu unavailable');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-backend')).toHaveText('webgl');
});

test('a share link reproduces the same numbers in a fresh page', async ({ page, context, backend }) => {
  await appOpen(page, backend);
  await page.getByLabel('function').selectOption('himmelblau');
  await page.getByTestId('run-2-lr').fill('0.02');
  await page.getByTestId('run-2-lr').press('Enter');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  const losses = async (p: typeof page) => Promise.all([0, 1, 2].map((i) => p.getByTestId(`loss-last-${i}`).textContent()));
  const before = await losses(page);
  const url = page.url();
  expect(url).toContain('#s=');
  const fresh = await context.newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('backend-active')).toHaveText(backend);
  await expect(fresh.getByLabel('function')).toHaveValue('himmelblau');
  await expect(fresh.getByTestId('run-2-lr')).toHaveValue('0.02');
  await fresh.getByTestId('run-button').click();
  await expect(fresh.getByTestId('summary')).toBeVisible();
  expect(await losses(fresh)).toEqual(before);
});
