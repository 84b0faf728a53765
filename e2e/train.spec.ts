import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { linkEncode } from '../src/engine/spec/link';
import { appOpen, expect, shot, test, webglOnly } from './fixtures';

const trainLink = (spec: Record<string, unknown>) => `#${linkEncode({ version: 1, kind: 'train', seed: 0, ...spec })}`;

/** Waits until the newest record has finished; returns its id. */
async function trained(page: Page, timeout = 120_000): Promise<number> {
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout });
  return Number((await page.getByTestId('train-status').textContent())!.match(/#(\d+)/)![1]);
}

const percent = async (page: Page, id: number, run = 0) =>
  Number((await page.getByTestId(`hist-${id}-${run}-acc`).textContent())!.replace('%', ''));

test('an MLP learns the circle to at least 95% test accuracy, on the backend asked for', async ({ page, backend }) => {
  await appOpen(
    page,
    backend,
    trainLink({
      data: { name: 'circle', size: 400, noise: 0.15 },
      model: { kind: 'mlp', hidden: [8, 8], activation: 'tanh' },
      training: { batchSize: 80, epochs: 15 },
      runs: [{ optimizer: { name: 'adam', lr: 0.05 } }],
    }),
  );
  await expect(page.getByTestId('lab-train')).toHaveAttribute('aria-current', 'page');
  const id = await trained(page);
  expect(await percent(page, id)).toBeGreaterThanOrEqual(95);
  await expect(page.getByTestId(`history-backend-${id}`)).toHaveText(backend);
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  await expect(page.getByTestId('confusion-matrix')).toContainText('confusion matrix');
  await expect(page.getByTestId('weight-histograms').locator('figure')).toHaveCount(3);
  await expect(page.getByTestId('train-ratio-chart')).toBeVisible();
  await shot(page, 'train-circle', backend);
});

test('an MNIST MLP reaches at least 90% test accuracy within 120 steps', async ({ page, backend }) => {
  test.setTimeout(240_000);
  await appOpen(
    page,
    backend,
    trainLink({
      data: { name: 'mnist', limit: 5000 },
      model: { kind: 'mlp', hidden: [128], activation: 'relu', init: 'he' },
      training: { batchSize: 100, epochs: 3 },
      runs: [{ optimizer: { name: 'adam', lr: 0.003 } }],
    }),
  );
  const id = await trained(page, 200_000);
  await expect(page.getByTestId(`history-${id}-0`).locator('td').nth(5)).toHaveText('120'); // 4000 / 100 → 40 steps × 3 epochs
  expect(await percent(page, id)).toBeGreaterThanOrEqual(90);
  await expect(page.getByTestId('sample-grid').getByTestId('sample')).toHaveCount(24);
  await expect(page.getByTestId('confusion-matrix').locator('tbody tr')).toHaveCount(10);
  await shot(page, 'train-mnist', backend);
});

test('the batch size sets the steps per epoch shown: 1 is SGD, all rows is GD', async ({ page, backend }) => {
  webglOnly(
    backend,
    'steps per epoch are counted by the engine the same way on every backend; webgpu training is covered by the circle, MNIST and share-link tests',
  );
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await expect(page.getByTestId('steps-per-epoch')).toHaveText('10'); // 320 rows / 32
  await page.getByRole('button', { name: '1 (SGD)' }).click();
  await expect(page.getByTestId('steps-per-epoch')).toHaveText('320');
  await page.getByTestId('batch-full').click();
  await expect(page.getByTestId('steps-per-epoch')).toHaveText('1');
  await page.getByTestId('batch-size').fill('100');
  await page.getByTestId('batch-size').press('Enter');
  await expect(page.getByTestId('steps-per-epoch')).toHaveText('4');
  // and training uses it
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('epochs').press('Enter');
  await page.getByTestId('train-start').click();
  const id = await trained(page);
  await expect(page.getByTestId(`history-${id}-0`)).toContainText('4 steps/epoch');
  await expect(page.getByTestId(`history-${id}-0`).locator('td').nth(5)).toHaveText('8');
});

test('two runs overlay on the same charts, a baseline can be pinned, and the x axis can count epochs', async ({
  page,
  backend,
}) => {
  webglOnly(backend, 'chart overlay and baseline are UI only');
  await appOpen(
    page,
    backend,
    trainLink({
      data: { name: 'moons', size: 300 },
      model: { hidden: [8] },
      training: { batchSize: 24, epochs: 4 },
      runs: [{ optimizer: { name: 'sgd', lr: 0.1 } }],
    }),
  );
  const first = await trained(page);
  await page.getByTestId('batch-full').click();
  await page.getByTestId('train-start').click();
  const second = await trained(page);
  expect(second).toBe(first + 1);
  await expect(page.getByTestId('legend-item')).toHaveCount(2);
  await expect(page.getByTestId('train-loss-chart')).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('train-loss-chart').locator('.recharts-line')).toHaveCount(4); // batch and test line per run
  await page.getByTestId('x-epochs').click();
  await page.getByTestId(`baseline-${first}`).click();
  await expect(page.getByTestId('legend-item').first()).toContainText('baseline');
  await page.getByTestId(`overlay-${second}`).uncheck();
  await expect(page.getByTestId('legend-item')).toHaveCount(1); // the baseline stays
  await page.getByTestId(`overlay-${second}`).check();
  await shot(page, 'train-overlay', backend);
  // exports: a chart as PNG, the metrics as CSV
  const png = page.waitForEvent('download');
  await page.getByRole('button', { name: /download loss .* as PNG/ }).click();
  const pngFile = await (await png).path();
  expect(readFileSync(pngFile).subarray(1, 4).toString()).toBe('PNG');
  const csv = page.waitForEvent('download');
  await page.getByTestId(`history-${second}-0`).getByRole('button', { name: 'CSV' }).click();
  const csvText = readFileSync(await (await csv).path(), 'utf8')
    .trim()
    .split('\n');
  expect(csvText[0]).toMatch(
    /^run,label,kind,step,epoch,loss,accuracy,lr,gradNorm,updateRatio0,updateRatio1,trainLoss/,
  );
  const rows = csvText.slice(1);
  expect(rows.filter((l) => l.includes(',step,'))).toHaveLength(4); // full batch: 1 step per epoch, 4 epochs
  expect(rows.filter((l) => l.includes(',epoch,'))).toHaveLength(4);
});

test('a share link reproduces the run: same final metrics in a fresh page', async ({ page, context, backend }) => {
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await page.getByTestId('train-dataset').selectOption('moons');
  await page.getByTestId('train-hidden').fill('12, 6');
  await page.getByTestId('train-hidden').press('Enter');
  await page.getByTestId('epochs').fill('2');
  await page.getByTestId('epochs').press('Enter');
  await page.getByTestId('train-start').click();
  const id = await trained(page);
  const losses = [
    await page.getByTestId(`hist-${id}-0-loss`).textContent(),
    await page.getByTestId(`hist-${id}-1-loss`).textContent(),
  ];
  await page.getByTestId('train-share').click();
  const url = await page.getByTestId('train-share-url').inputValue();
  expect(url).toContain('#s=');
  const fresh = await context.newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('backend-active')).toHaveText(backend);
  const again = await trained(fresh);
  expect([
    await fresh.getByTestId(`hist-${again}-0-loss`).textContent(),
    await fresh.getByTestId(`hist-${again}-1-loss`).textContent(),
  ]).toEqual(losses);
  await expect(fresh.getByTestId('train-hidden')).toHaveValue('12, 6');
  await expect(fresh.getByTestId('train-dataset')).toHaveValue('moons');
});

test('pause, single step and resume', async ({ page, backend }) => {
  webglOnly(
    backend,
    'pausing is the control flow of the training loop, the same on every backend (unit-tested); webgpu training is covered elsewhere',
  );
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await page.getByTestId('epochs').fill('3');
  await page.getByTestId('epochs').press('Enter');
  await page.getByTestId('train-step').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('train-status')).toContainText('step 1');
  await page.getByTestId('train-step').click();
  await expect(page.getByTestId('train-status')).toContainText('step 2');
  await page.getByTestId('train-pause').click(); // resume
  await trained(page);
});

test('impossible settings are refused with a message next to the control; a diverging run is marked', async ({
  page: first,
  backend,
}) => {
  let page = first;
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await page.getByTestId('train-hidden').fill('8, 0');
  await page.getByTestId('train-hidden').press('Enter');
  await expect(page.getByTestId('hidden-error')).toContainText('hidden layer 2 has width 0');
  await page.getByTestId('batch-size').fill('5000');
  await page.getByTestId('batch-size').press('Enter');
  await expect(page.getByTestId('steps-per-epoch')).toHaveText('10'); // refused: still 32
  await page.getByTestId('train-model').selectOption('cnn');
  await expect(page.getByTestId('model-error')).toContainText('a CNN needs image data (MNIST)');
  await expect(page.getByTestId('train-model')).toHaveValue('mlp');

  // a fresh page: the same page would only see the hash change (the link goes into history, not trained again)
  const fresh = await page.context().newPage();
  await appOpen(
    fresh,
    backend,
    trainLink({
      data: { name: 'linear', size: 200 },
      model: { kind: 'linear' },
      training: { batchSize: 160, epochs: 50 },
      runs: [{ optimizer: { name: 'sgd', lr: 2 } }, { optimizer: { name: 'sgd', lr: 0.01 } }],
    }),
  );
  page = fresh;
  const id = await trained(page);
  await expect(page.getByTestId(`hist-${id}-0-status`)).toContainText('diverged at step');
  await expect(page.getByTestId(`hist-${id}-1-status`)).toHaveText('done');
  await expect(page.getByTestId('views-diverged')).toContainText('diverged at step');
  await page.getByTestId('focus-select').selectOption(`${id}:1`);
  await expect(page.getByTestId('curve-canvas')).toBeVisible();
  await shot(page, 'train-diverged', backend);
});

test('your own CSV: pick the label and features, bad rows are listed by line, it trains', async ({ page, backend }) => {
  // reading the file is the same on every backend; training on webgpu is covered by the other tests (CI time)
  webglOnly(backend, 'the CSV path is backend-independent');
  await appOpen(page, backend);
  await page.getByTestId('lab-train').click();
  await page.getByTestId('train-dataset').selectOption('csv');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText('Load your CSV file first');
  const rows = ['x1,x2,note,kind'];
  for (let i = 0; i < 120; i++) {
    const a = Math.cos(i) * (i % 2 ? 2 : 0.5);
    const b = Math.sin(i) * (i % 2 ? 2 : 0.5);
    rows.push(`${a.toFixed(3)},${b.toFixed(3)},n${i},${i % 2 ? 'outer' : 'inner'}`);
  }
  rows.splice(5, 0, 'oops,1.0,x,inner'); // line 6
  // the engine reads the file (in its worker) and says what is wrong with one it cannot use
  await page
    .getByTestId('csv-file')
    .setInputFiles({ name: 'header.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,kind\n') });
  await expect(page.getByTestId('csv-error')).toContainText(
    'header.csv could not be read: the file has a header but no rows',
  );
  await page
    .getByTestId('csv-file')
    .setInputFiles({ name: 'rings.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await expect(page.getByTestId('csv-label')).toHaveValue('kind');
  await expect(page.getByTestId('csv-error')).toHaveCount(0);
  await page.getByLabel('note').uncheck(); // not a number: not a feature
  await page.getByTestId('epochs').fill('25');
  await page.getByTestId('epochs').press('Enter');
  await page.getByTestId('train-start').click();
  const id = await trained(page);
  await expect(page.getByTestId('csv-problems')).toContainText('1 row skipped');
  await expect(page.getByTestId('csv-problems')).toContainText('line 6: "oops" in column "x1" is not a number');
  await expect(page.getByTestId(`history-${id}-0`)).toContainText('rings.csv');
  expect(await percent(page, id)).toBeGreaterThan(80);
  await expect(page.getByTestId('boundary-canvas')).toBeVisible(); // two features: drawn like the built-in 2-D sets
});
