import { test as base, expect, type Page } from '@playwright/test';
import type { BackendOption } from '../playwright.config';

/** Each project (webgpu, webgl) runs every spec with its backend forced through ?backend=. */
export const test = base.extend<BackendOption>({
  backend: ['webgl', { option: true }],
});
export { expect };

/** Opens the app on the project's backend and waits until that backend is really running. */
export async function appOpen(page: Page, backend: string, hash = ''): Promise<void> {
  await page.goto(`./?backend=${backend}${hash}`);
  await expect(page.getByTestId('backend-active')).toHaveText(backend);
}

/** Waits until every run of the race has been computed. */
export async function raceDone(page: Page): Promise<void> {
  await expect(page.locator('[data-testid^="run-status-"]', { hasText: 'computing' })).toHaveCount(0, {
    timeout: 90_000,
  });
}

/** Sets the animation speed (steps per second). */
export async function speedSet(page: Page, stepsPerSecond: number): Promise<void> {
  await page.getByTestId('speed').fill(String(stepsPerSecond));
  await page.getByTestId('speed').press('Enter');
}

/** Plays the race to its last step and waits for it to stop. */
export async function playToEnd(page: Page): Promise<void> {
  await raceDone(page);
  await speedSet(page, 1000);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('play')).toBeVisible({ timeout: 60_000 });
}

/** The loss shown for each run at its playhead. */
export async function runLosses(page: Page, runs: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: runs }, async (_, i) => Number(await page.getByTestId(`run-loss-${i}`).textContent())),
  );
}

export async function shot(page: Page, name: string, backend: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}-${backend}.png` });
}

/**
 * Runs a test on the webgl project only. For flows that never touch the backend (keyboard, layout,
 * address bar, chart controls) or that assert mechanics the webgpu project already exercises in
 * other tests; the key flows still run on both backends. Keeps CI inside its time budget.
 */
export function webglOnly(backend: string, why: string): void {
  test.skip(backend !== 'webgl', why);
}
