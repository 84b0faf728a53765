import { linkEncode } from '../src/engine/spec/link';
import { DEFAULT_TRAIN_SPEC } from '../src/labs/train';
import { appOpen, expect, playToEnd, raceDone, runLosses, shot, test, webglOnly } from './fixtures';

test('opens on the requested backend, in a worker, and says so, under the Content-Security-Policy', async ({
  page,
  backend,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // every violation of the policy, from the page and its worker, as the browser reports it
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(`./?backend=${backend}`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    /script-src 'self'; worker-src 'self'/,
  );
  await expect(page.getByTestId('backend-active')).toHaveText(backend);
  await expect(page.getByTestId('engine-thread')).toHaveText('in a worker');
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);
  await raceDone(page);
  // the backend the engine computed on (tf.getBackend() in the worker), not only the one asked for
  await expect(page.getByTestId('result-backend')).toHaveText(backend);
  const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  expect(await violations()).toEqual([]);
  // a lab loaded lazily, with its formulas (KaTeX's fonts), charts and validated link, still within the policy
  const short = { ...DEFAULT_TRAIN_SPEC, training: { ...DEFAULT_TRAIN_SPEC.training, epochs: 3 } };
  await page.goto(`./?backend=${backend}&open=train#${linkEncode(short)}`); // a new query: a new document
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);
});

test('a surface experiment computes a path whose loss falls', async ({ page, backend }) => {
  await appOpen(page, backend);
  await raceDone(page);
  const start = await runLosses(page, 3);
  start.forEach((l) => expect(l).toBeCloseTo(24.2, 3)); // Rosenbrock at (-1.2, 1)
  await playToEnd(page);
  const end = await runLosses(page, 3);
  end.forEach((l, i) => expect(l).toBeLessThan(start[i]));
  await expect(page.getByTestId('loss-chart').locator('.recharts-line')).toHaveCount(3);
  await shot(page, 'default-race', backend);
});

test('a broken link shows what was wrong and falls back to the defaults', async ({ page, backend }) => {
  webglOnly(backend, 'link parsing is backend-independent');
  await appOpen(page, backend, '#s=N4IgLgTg');
  const alert = page.getByTestId('link-error');
  await expect(alert).toContainText('This link could not be opened');
  await expect(alert).toContainText('corrupted or truncated');
  await expect(page.getByLabel('run 1 optimizer')).toHaveValue('sgd');
  await shot(page, 'bad-link', backend);
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
  await raceDone(page);
  await expect(page.getByTestId('result-backend')).toHaveText('webgl');
});

test('without a worker the engine runs on the page and says so', async ({ page, backend }) => {
  await page.goto(`./?backend=${backend}&worker=0`);
  await expect(page.getByTestId('engine-thread')).toHaveText('on the page');
  await expect(page.getByTestId('thread-notice')).toContainText('worker was turned off');
  await raceDone(page);
  await expect(page.getByTestId('result-backend')).toHaveText(backend);
});

test('a lab that fails to draw shows the error and a reset, and the other labs keep working', async ({
  page,
  backend,
}) => {
  webglOnly(backend, 'rendering only');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await expect(page.getByTestId('train-start')).toBeVisible();
  // a state no valid spec produces (as a bug would): the training page cannot draw its model
  await page.evaluate(() => {
    const w = window as unknown as {
      optiplay: { store: { setState(fn: (s: { specs: object }) => object): void } };
    };
    w.optiplay.store.setState((s) => ({ specs: { ...s.specs, train: { kind: 'train', runs: [] } } }));
  });
  const alert = page.getByTestId('lab-error');
  await expect(alert).toContainText('The Training lab stopped drawing');
  await shot(page, 'lab-error', backend);
  // the header and the other labs still work
  await page.getByTestId('lab-surface').click();
  await expect(page.getByTestId('lab-error')).toHaveCount(0);
  await raceDone(page);
  await page.getByTestId('lab-train').click();
  await expect(alert).toBeVisible(); // the broken state is still there
  await alert.getByRole('button', { name: 'Reset this lab' }).click();
  await expect(page.getByTestId('lab-error')).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toBeVisible();
  expect(errors).toEqual([]); // the boundary caught it: nothing reached the window
});
