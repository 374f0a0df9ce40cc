// Vitest browser mode in headless Chromium with WebGPU: the configuration to copy into a project
// whose tests call webgpu-nn on the GPU. See docs/testing-in-headless-chrome.md.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Inside the webgpu-nn repository this example runs against the library's source; in your own
// project 'webgpu-nn' comes from node_modules and the alias goes.
const librarySource = fileURLToPath(new URL('../../../src/index.ts', import.meta.url));
const alias: Record<string, string> = existsSync(librarySource) ? { 'webgpu-nn': librarySource } : {};

export default defineConfig({
  resolve: { alias },
  // Pre-bundled at start, so the first run does not reload the page when Vite discovers them.
  optimizeDeps: { include: ['vitest > expect-type', 'vitest > @vitest/expect > chai', 'vitest > @vitest/snapshot > magic-string'] },
  test: {
    include: ['*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          // The system's Chromium or Chrome (Playwright's own browser download is not needed).
          executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
          args: [
            // WebGPU is off by default on Linux; this turns it on (SwiftShader serves it where the
            // machine has no GPU).
            '--enable-unsafe-webgpu',
            '--enable-features=Vulkan',
            // Needed when the tests run as root, as in most CI containers.
            '--no-sandbox',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
