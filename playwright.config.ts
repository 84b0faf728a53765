import { defineConfig } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, CHROMIUM_WEBGL_ARGS, CHROMIUM_WEBGPU_ARGS, chromiumPath } from './scripts/chromium.mjs';

export interface BackendOption {
  backend: 'webgpu' | 'webgl';
}

const executablePath = chromiumPath() ?? '/usr/bin/chromium';
const PORT = 4173;

export default defineConfig<BackendOption>({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    {
      name: 'webgpu',
      use: {
        backend: 'webgpu',
        launchOptions: { executablePath, args: [...CHROMIUM_BASE_ARGS, ...CHROMIUM_WEBGPU_ARGS] },
      },
    },
    {
      name: 'webgl',
      use: {
        backend: 'webgl',
        launchOptions: { executablePath, args: [...CHROMIUM_BASE_ARGS, ...CHROMIUM_WEBGL_ARGS] },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
