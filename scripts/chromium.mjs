// Finds the system Chromium that the e2e tests and benchmarks drive (Playwright never downloads one).
// Order: $CHROMIUM_PATH, then the usual Debian/Ubuntu locations. Run directly, it checks and explains.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export function chromiumPath() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Flags for headless Chromium as root on a machine with no network and no GPU. */
export const CHROMIUM_BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
export const CHROMIUM_WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
];
export const CHROMIUM_WEBGL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = chromiumPath();
  if (!found) {
    const wanted = process.env.CHROMIUM_PATH
      ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`
      : `No Chromium found at ${CHROMIUM_CANDIDATES.join(', ')}.`;
    console.error(
      `\n${wanted}\nThe end-to-end tests drive the system Chromium (Playwright downloads none). Install it:\n\n    sudo apt-get install -y chromium      # Debian\n    sudo apt-get install -y chromium-browser   # Ubuntu\n\nor point CHROMIUM_PATH at a Chromium or Chrome binary.\n`,
    );
    process.exit(1);
  }
  console.log(`e2e browser: ${found}`);
}
