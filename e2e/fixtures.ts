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
