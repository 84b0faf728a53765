import type { Page } from '@playwright/test';
import { linkEncode } from '../src/engine/spec/link';
import { appOpen, expect, shot, test } from './fixtures';

/** circle with 200 points, a small MLP, 3 epochs: each trial is a fraction of a second */
const base = {
  data: { name: 'circle', size: 200, noise: 0.15 },
  model: { hidden: [6] },
  training: { batchSize: 32, epochs: 3 },
  run: { optimizer: { name: 'adam', lr: 0.01 } },
};
const searchLink = (spec: Record<string, unknown>) =>
  `#${linkEncode({ version: 1, kind: 'search', seed: 3, base, ...spec })}`;
const space = [
  { param: 'optimizer.lr', min: 1e-3, max: 1, scale: 'log' },
  { param: 'optimizer.beta1', min: 0.5, max: 0.99 },
];

async function searched(page: Page, backend: string): Promise<void> {
  await expect(page.getByTestId('search-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('search-status')).toContainText(backend);
}

test('a small random search completes and every view renders', async ({ page, backend }) => {
  await appOpen(page, backend, searchLink({ space, strategy: { name: 'random', trials: 6, parallel: 6 } }));
  await expect(page.getByTestId('lab-search')).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('search-run').click();
  await searched(page, backend);
  const rows = page.getByTestId('trials-table').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  await expect(page.getByTestId('search-status')).toContainText('6/6 trials done');
  // sorted by the objective: the first row is the best (★), and its loss is the smallest
  const losses = (await rows.locator('td:nth-child(4)').allTextContents()).map(Number);
  expect(losses).toEqual([...losses].sort((a, b) => a - b));
  await expect(rows.first()).toContainText('★');
  await expect(page.getByTestId('parallel-coordinates').locator('polyline')).toHaveCount(6);
  await expect(page.getByTestId('slice-plots').locator('figure')).toHaveCount(2);
  await expect(page.getByTestId('heatmap').locator('circle')).toHaveCount(6);
  await expect(page.getByTestId('importance').locator('.importance-row')).toHaveCount(2);
  await expect(page.getByTestId('all-curves').locator('.recharts-line')).toHaveCount(6);
  await expect(page.getByTestId('best-so-far').locator('.recharts-line')).toHaveCount(1);
  // a trial's curves, and the best-half filter
  await rows.nth(2).click();
  await expect(page.getByTestId('trial-curves')).toContainText('Trial');
  await page.getByTestId('best-percent').fill('50');
  await expect(rows).toHaveCount(3);
  await shot(page, 'search-random', backend);
  // an impossible range is refused with the reason, and the search keeps its settings
  await page.getByTestId('space-min-0').fill('5');
  await page.getByTestId('space-min-0').press('Enter');
  await expect(page.getByTestId('space-error-0')).toContainText('the lower end must be below the upper end');
});

test('a small Bayesian search completes, and its share link reproduces the same trials', async ({
  page,
  context,
  backend,
}) => {
  await appOpen(page, backend, searchLink({ space, strategy: { name: 'bayes', trials: 6, initial: 3, parallel: 3 } }));
  await page.getByTestId('search-run').click();
  await searched(page, backend);
  const table = page.getByTestId('trials-table').locator('tbody');
  await expect(table.locator('tr')).toHaveCount(6);
  const first = await table.innerText();
  await page.getByTestId('search-share').click();
  const url = await page.getByTestId('search-share-url').inputValue();
  const again = await context.newPage();
  await again.goto(url.replace(/\?backend=\w+/, '').replace('#', `?backend=${backend}#`));
  await expect(again.getByTestId('backend-active')).toHaveText(backend);
  await again.getByTestId('search-run').click();
  await searched(again, backend);
  // the status and the views re-render on their own throttles (a transition each), so the table can
  // show its rows a moment after the status says done: poll it until it settles
  await expect.poll(() => again.getByTestId('trials-table').locator('tbody').innerText()).toBe(first);
});

test('the learning-rate range test suggests a rate and applies it in the training lab', async ({ page, backend }) => {
  await appOpen(
    page,
    backend,
    searchLink({ space, finder: { minLr: 1e-4, maxLr: 10, steps: 60 }, view: { tool: 'finder' } }),
  );
  await page.getByTestId('finder-run').click();
  await expect(page.getByTestId('finder-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const lr = Number(await page.getByTestId('finder-lr').textContent());
  expect(lr).toBeGreaterThan(1e-4);
  expect(lr).toBeLessThan(10);
  await expect(page.getByTestId('finder-chart').locator('.recharts-reference-line')).toHaveCount(2);
  await shot(page, 'search-finder', backend);
  const applied = (await page.getByTestId('finder-apply').textContent())!.match(/lr (\S+) in/)![1];
  expect(Number(applied)).toBeCloseTo(lr, 1 - Math.floor(Math.log10(lr))); // the suggestion, to two significant digits
  await page.getByTestId('finder-apply').click();
  await expect(page.getByTestId('lab-train')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('train-run-0-lr')).toHaveValue(applied);
});

test('the batch-size study trains each size and measures the gradient spread', async ({ page, backend }) => {
  await appOpen(
    page,
    backend,
    searchLink({ space, study: { sizes: [4, 40, 160], epochs: 1 }, view: { tool: 'study' } }),
  );
  await page.getByTestId('study-run').click();
  await expect(page.getByTestId('study-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('study-status')).toContainText('3 of 3 sizes');
  for (const id of ['study-steps', 'study-samples', 'study-time'])
    await expect(page.getByTestId(id).locator('.recharts-line')).toHaveCount(3);
  // measured spread at B = 4 and B = 40 (B = 160 is the whole population: exactly 0, off the log axis)
  await expect(
    page.getByTestId('study-noise').locator('.recharts-scatter').first().locator('.recharts-symbols'),
  ).toHaveCount(2);
  await shot(page, 'search-study', backend);
});
