import { appOpen, expect, playToEnd, raceDone, runLosses, shot, speedSet, test, webglOnly } from './fixtures';

test('a lesson loads and plays; the loss in the chart falls', async ({ page, backend }) => {
  await appOpen(page, backend);
  await page.getByTestId('lesson-valley').click();
  await expect(page.getByTestId('lesson-text')).toContainText('100 times steeper');
  await raceDone(page);
  const start = await runLosses(page, 2);
  await speedSet(page, 200);
  await page.getByTestId('play').click();
  await expect
    .poll(async () => Number(await page.getByTestId('run-step-1').textContent()), { timeout: 30_000 })
    .toBeGreaterThan(60);
  const mid = await runLosses(page, 2);
  expect(mid[1]).toBeLessThan(start[1] / 100); // momentum glides
  await expect(page.getByTestId('loss-chart').locator('.recharts-line')).toHaveCount(2);
  await expect(page.getByTestId('update-rule')).toContainText('SGD');
  await shot(page, 'lesson-valley', backend);
});

test('a changed slider restarts that run from the start while the others play on', async ({ page, backend }) => {
  webglOnly(backend, "which runs restart is the race controller's logic, the same on every backend");
  await appOpen(page, backend);
  await page.getByTestId('lesson-rosenbrock-race').click();
  await raceDone(page);
  await speedSet(page, 60);
  await page.getByTestId('play').click();
  await expect
    .poll(async () => Number(await page.getByTestId('run-step-4').textContent()), { timeout: 30_000 })
    .toBeGreaterThan(80);
  // slow the animation down (still playing) so a restarted run stays near step 0 long enough to see
  await speedSet(page, 5);
  const before = Number(await page.getByTestId('run-step-1').textContent());
  await page.getByTestId('run-4-lr').fill('0.02');
  await page.getByTestId('run-4-lr').press('Enter');
  // run 5 (Adam) starts again from step 0; run 2 keeps going
  await expect
    .poll(async () => Number(await page.getByTestId('run-step-4').textContent()), { timeout: 10_000 })
    .toBeLessThan(20);
  expect(Number(await page.getByTestId('run-step-1').textContent())).toBeGreaterThanOrEqual(before);
  await expect(page.getByTestId('pause')).toBeVisible(); // it kept playing
  await shot(page, 'restart-ghost', backend);
});

test('a share link gives identical loss values in a fresh page', async ({ page, context, backend }) => {
  await appOpen(page, backend);
  await page.getByTestId('lesson-schedules').click(); // seeded gradient noise
  await page.getByTestId('seed').fill('11');
  await page.getByTestId('seed').press('Enter');
  await playToEnd(page);
  const losses = await runLosses(page, 3);
  await page.getByTestId('share-button').click();
  const url = await page.getByTestId('share-link').inputValue();
  expect(url).toContain('#s=');
  const fresh = await context.newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('backend-active')).toHaveText(backend);
  await expect(fresh.getByTestId('lesson-text')).toContainText('Constant vs step vs cosine');
  await expect(fresh.getByTestId('seed')).toHaveValue('11');
  await playToEnd(fresh);
  expect(await runLosses(fresh, 3)).toEqual(losses);
});

test('a diverging run is marked with the step where it happened', async ({ page, backend }) => {
  await appOpen(page, backend);
  await page.getByTestId('lesson-too-high').click();
  await raceDone(page);
  await expect(page.getByTestId('run-status-2')).toHaveText(/diverged at step \d+/);
  await expect(page.getByTestId('run-status-0')).toHaveText('done');
  await playToEnd(page);
  await shot(page, 'diverged', backend);
});

test('the particle cloud runs 10,000 starts per optimizer, and the basin map colours them', async ({
  page,
  backend,
}) => {
  await appOpen(page, backend);
  await page.getByTestId('lesson-basins').click();
  await page.getByTestId('mode-cloud').click();
  await page.getByTestId('cloud-count').fill('10000');
  await page.getByTestId('cloud-count').press('Enter');
  await expect(page.getByTestId('cloud-stats')).toContainText('10,000 starts per run');
  await expect(page.getByTestId('cloud-reached-0')).toHaveText(/\d+\.\d%/, { timeout: 120_000 });
  const reached = parseFloat((await page.getByTestId('cloud-reached-0').textContent())!);
  expect(reached).toBeGreaterThan(90);
  await page.getByTestId('play').click();
  await expect
    .poll(async () => (await page.getByTestId('step-counter').textContent())!, { timeout: 20_000 })
    .not.toBe('step 0 / 150');
  await shot(page, 'cloud', backend);
  await page.getByTestId('mode-basin').click();
  await expect(page.getByTestId('basin-legend')).toContainText('(3.00, 2.00)');
  await shot(page, 'basins', backend);
});

test('keyboard: space plays and pauses, → steps, r resets', async ({ page, backend }) => {
  webglOnly(backend, 'keyboard handling is backend-independent');
  await appOpen(page, backend);
  await raceDone(page);
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('step-counter')).toHaveText('step 2 / 300');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('pause')).toBeVisible();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play')).toBeVisible();
  await page.keyboard.press('r');
  await expect(page.getByTestId('step-counter')).toHaveText('step 0 / 300');
});

test('editing keeps the address current, and the back button restores the previous setting', async ({
  page,
  backend,
}) => {
  webglOnly(backend, 'address-bar sync is backend-independent');
  await appOpen(page, backend);
  await page.getByLabel('function').selectOption('himmelblau');
  await expect.poll(() => page.url()).toContain('#s=');
  const himmelblau = page.url();
  await page.getByLabel('function').selectOption('booth');
  await expect.poll(() => page.url()).not.toBe(himmelblau);
  await page.goBack();
  await expect(page.getByLabel('function')).toHaveValue('himmelblau');
  await page.goBack(); // the address the app was opened with: the default experiment
  await expect(page.getByLabel('function')).toHaveValue('rosenbrock');
  await page.goForward();
  await expect(page.getByLabel('function')).toHaveValue('himmelblau');
});

test('a classroom link hides the optimizer names and locks the settings; presentation mode', async ({
  page,
  context,
  backend,
}) => {
  webglOnly(backend, 'classroom mode is UI only');
  await appOpen(page, backend);
  await page.getByText('Classroom link…').click();
  await page.getByLabel(/optimizer names and settings/).check();
  await page.getByLabel(/lock the settings/).check();
  await page.getByTestId('classroom-link').click();
  const url = await page.getByTestId('share-link').inputValue();
  const student = await context.newPage();
  await student.goto(url);
  await expect(student.getByTestId('backend-active')).toHaveText(backend);
  await expect(student.getByTestId('run-card-0')).toContainText('Run 1');
  await expect(student.getByLabel('run 1 optimizer')).toHaveCount(0);
  await expect(student.getByTestId('update-rule')).toHaveCount(0);
  await expect(student.getByTestId('steps')).toBeDisabled();
  await raceDone(student);
  await student.getByTestId('play').click();
  await expect.poll(async () => Number(await student.getByTestId('run-step-0').textContent())).toBeGreaterThan(0);
  await shot(student, 'classroom', backend);
  await student.getByTestId('presentation-toggle').click();
  await expect(student.getByLabel('experiment settings')).toHaveCount(0);
  await expect(student.getByTestId('surface-map')).toBeVisible();
  await expect(student.getByTestId('loss-chart')).toBeVisible();
  await shot(student, 'presentation', backend);
});

test('usable on a 768-px-wide tablet', async ({ page, backend }) => {
  webglOnly(backend, 'layout is backend-independent');
  await page.setViewportSize({ width: 768, height: 1024 });
  await appOpen(page, backend);
  await raceDone(page);
  const map = await page.getByTestId('surface-map').boundingBox();
  expect(map!.width).toBeLessThanOrEqual(768);
  expect(map!.width).toBeGreaterThan(500);
  await expect(page.getByTestId('play')).toBeInViewport();
  await shot(page, 'tablet', backend);
});
