import { linkEncode } from '../src/engine/spec/link';
import { appOpen, expect, shot, test, webglOnly } from './fixtures';

test('a heavy training link opens without starting, shows its estimate, and Run starts it', async ({
  page,
  backend,
}) => {
  webglOnly(backend, 'the link decision is the page’s, the same on every backend');
  const heavy = {
    version: 1,
    kind: 'train',
    data: { name: 'mnist' },
    model: { kind: 'mlp', hidden: [256, 256] },
    training: { batchSize: 64, epochs: 50 },
    runs: Array.from({ length: 4 }, () => ({ optimizer: { name: 'adam', lr: 0.001 } })),
  };
  await appOpen(page, backend, `#${linkEncode(heavy)}`);
  const held = page.getByTestId('link-held');
  await expect(held).toContainText('This experiment trains 4 models of 269 k parameters');
  await expect(held).toContainText(/it will take about \d+ (minutes|hours) on your device \(webgl\)/);
  await shot(page, 'heavy-link', backend);
  // nothing is training: no record, the Train button waits
  await expect(page.getByTestId('train-status')).not.toHaveAttribute('data-status', 'running');
  await held.getByRole('button', { name: 'Run' }).click();
  await expect(held).toHaveCount(0);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  // paused and out of sight, it still holds its models on the device: the header says so, and stops it
  await page.getByTestId('train-pause').click();
  await page.getByTestId('lab-search').click();
  const chip = page.getByTestId('running-train');
  await expect(chip).toContainText('Training paused');
  // once its data is on the device: MNIST's 60,000 digits alone are 190 MB
  await expect(page.getByTestId('engine-memory')).toContainText(/^[1-9]\d+(\.\d)? MB held while paused/, {
    timeout: 60_000,
  });
  await shot(page, 'paused-elsewhere', backend);
  await page.getByTestId('running-train-stop').click();
  await expect(page.getByTestId('running-jobs')).toHaveCount(0);
  await page.getByTestId('lab-train').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('history-memory')).toContainText(/The history holds \d/);
});

test('Cancel stops a search on the cpu backend within a second', async ({ page, backend }) => {
  webglOnly(backend, 'runs on the cpu backend, whichever project');
  const search = {
    version: 1,
    kind: 'search',
    base: {
      data: { name: 'spiral', size: 2000 },
      model: { hidden: [64, 64] },
      training: { batchSize: 8, epochs: 200 },
      run: { optimizer: { name: 'adam', lr: 0.01 } },
    },
    space: [{ param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' }],
    strategy: { name: 'random', trials: 20, parallel: 2 },
  };
  await appOpen(page, 'cpu', `#${linkEncode(search)}`);
  await page.getByTestId('search-run').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await page.waitForTimeout(1500); // well inside the first trials' training
  await page.getByTestId('search-cancel').click();
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 1000 });
  const left = await page.evaluate(async () => {
    const w = window as unknown as { optiplay: { memory(): Promise<{ numTensors: number }> } };
    return (await w.optiplay.memory()).numTensors;
  });
  expect(left).toBeLessThan(10); // the engine's own constants; the trials' tensors are gone
});
