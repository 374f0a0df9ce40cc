#!/usr/bin/env node
// `node run-tests.mjs`: serves this folder with Vite on 127.0.0.1 (WebGPU needs a secure context:
// localhost or https, never file://), opens index.html in headless Chromium with WebGPU turned on,
// waits for the checks in the page and exits non-zero when one fails. A plain puppeteer recipe;
// see docs/testing-in-headless-chrome.md.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer';
import { createServer } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
// Inside the webgpu-nn repository the page uses the library's source; in your own project
// 'webgpu-nn' comes from node_modules and the alias goes.
const librarySource = fileURLToPath(new URL('../../../src/index.ts', import.meta.url));
const alias = existsSync(librarySource) ? { 'webgpu-nn': librarySource } : {};

const server = await createServer({
  root: here,
  configFile: false,
  logLevel: 'warn',
  resolve: { alias },
  server: { host: '127.0.0.1', port: 0 },
});
await server.listen();
const { port } = server.httpServer.address();

const browser = await puppeteer.launch({
  // The system's Chromium or Chrome (set skipDownload in .puppeteerrc.cjs so npm never fetches one).
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--no-sandbox'],
});
let failed = 1;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  const handle = await page.waitForFunction(() => window.testResult, { timeout: 120_000 });
  const result = await handle.jsonValue();
  if (result.adapter) console.log(`adapter: ${result.adapter.vendor}/${result.adapter.architecture}`);
  for (const failure of result.failures) console.error(`FAIL ${failure}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  failed = result.failed;
} finally {
  await browser.close();
  await server.close();
}
process.exit(failed === 0 ? 0 : 1);
