import { readFileSync } from 'node:fs';
import { linkEncode } from '../src/engine/spec/link';
import { DEFAULT_TRAIN_SPEC } from '../src/labs/train';
import { appOpen, expect, shot, test, webglOnly } from './fixtures';

const short = { ...DEFAULT_TRAIN_SPEC, training: { ...DEFAULT_TRAIN_SPEC.training, epochs: 4 } };

test('the library keeps every finished job: reload shows it without retraining; export, clear, import gives it back', async ({
  page,
  backend,
}) => {
  webglOnly(backend, 'storage is the page’s, the same on every backend');
  await appOpen(page, backend, `#${linkEncode(short)}`);
  const status = page.getByTestId('train-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const row = page.getByTestId(/^history-\d+-0$/);
  await expect(row).toHaveCount(1);
  const accuracy = await page.locator('[data-testid$="-0-acc"]').textContent();
  await expect(page.getByTestId('library-toggle')).toHaveText('Library (1)');

  // a reload: the record is back, the same numbers, and nothing trains
  await page.reload();
  await expect(page.getByTestId('backend-active')).toHaveText(backend);
  await expect(page.getByTestId('library-toggle')).toHaveText('Library (1)');
  await expect(row).toHaveCount(1);
  await expect(page.locator('[data-testid$="-0-acc"]')).toHaveText(accuracy!);
  await expect(page.getByTestId('running-jobs')).toHaveCount(0);

  // rename it, export the library, delete all, import the file
  await page.getByTestId('library-toggle').click();
  const entry = page.getByTestId('library-entry');
  await expect(entry).toHaveCount(1);
  await entry.getByTestId(/^library-name-/).click();
  await entry.getByLabel('name').fill('circle for class');
  await entry.getByLabel('name').press('Enter');
  await expect(entry).toContainText('circle for class');
  await shot(page, 'library', backend);
  const download = page.waitForEvent('download');
  await page.getByTestId('library-export').click();
  const file = await (await download).path();
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('library-clear').click();
  await expect(entry).toHaveCount(0);
  await expect(row).toHaveCount(0);
  await page.getByTestId('library-import').setInputFiles({
    name: 'lib.json.gz',
    mimeType: 'application/gzip',
    buffer: readFileSync(file),
  });
  await expect(page.getByTestId('library-imported')).toContainText('Imported 1 entry');
  await expect(entry).toContainText('circle for class');
  await entry.getByTestId('library-open').click();
  await expect(page.getByTestId('library-panel')).toHaveCount(0);
  await expect(row).toHaveCount(1);
  await expect(page.locator('[data-testid$="-0-acc"]')).toHaveText(accuracy!);

  // a file from a newer version is refused with the reason, and nothing changes
  await page.getByTestId('library-toggle').click();
  await page.getByTestId('library-import').setInputFiles({
    name: 'future.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ kind: 'optiplay-library', format: 99, app: '9.0.0', entries: [] })),
  });
  await expect(page.getByTestId('library-error')).toContainText('written by a newer Optimizer Playground');
  await expect(entry).toHaveCount(1);

  // delete with undo
  await entry.getByTestId('library-delete').click();
  await expect(entry).toHaveCount(0);
  await page.getByTestId('library-undo').getByRole('button', { name: 'Undo' }).click();
  await expect(entry).toHaveCount(1);
  await expect(row).toHaveCount(1);
});
