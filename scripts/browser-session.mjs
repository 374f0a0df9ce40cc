// A headless Chromium plus a vite dev server on 127.0.0.1 (WebGPU needs a secure context, which
// localhost is). The GPU tests, `npm start`, the examples and the benchmarks all run their code in
// pages of this one browser; the library is loaded from source (vite compiles TS and inlines WGSL).
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import puppeteer from 'puppeteer';
import { createServer } from 'vite';
import { CHROME_ARGS, findChrome } from './chrome.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {{ vendor: string, architecture: string, description: string } } Adapter
 * @typedef {{ browser: import('puppeteer').Browser, baseUrl: string,
 *   adapter: () => Promise<Adapter>, newPage: (path?: string) => Promise<import('puppeteer').Page>,
 *   runModule: (modulePath: string, args?: unknown) => Promise<unknown>, close: () => Promise<void> }} BrowserSession
 */

/**
 * `prebundle` lists CommonJS-laden packages that pages import (the benchmarks' TF.js): vite
 * pre-bundles them into ESM at server start (cached in node_modules/.vite, no network).
 * @returns {Promise<BrowserSession>}
 */
export async function startBrowserSession({ root = ROOT, prebundle = [] } = {}) {
  const server = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { noDiscovery: true, include: prebundle },
  });
  await server.listen();
  const address = server.httpServer.address();
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: findChrome(),
      args: CHROME_ARGS,
      headless: true,
      protocolTimeout: 0,
    });
  } catch (error) {
    await server.close();
    throw error;
  }

  async function newPage(path = '/scripts/runner.html') {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(baseUrl + path);
    return page;
  }

  return {
    browser,
    baseUrl,
    newPage,
    async adapter() {
      const page = await newPage();
      try {
        const info = await page.evaluate(async () => {
          if (!navigator.gpu) return { error: 'navigator.gpu is undefined' };
          const adapter = await navigator.gpu.requestAdapter();
          if (!adapter) return { error: 'requestAdapter() returned null' };
          const { vendor, architecture, description } = adapter.info;
          return { vendor, architecture, description };
        });
        if ('error' in info) {
          throw new Error(`Chromium has no WebGPU adapter (${info.error}); check that it runs with --enable-unsafe-webgpu and has Vulkan/SwiftShader`);
        }
        return info;
      } finally {
        await page.close();
      }
    },
    /** Imports `modulePath` in a fresh page and awaits its `main(args)`; page console goes to stdout. */
    async runModule(modulePath, args) {
      const page = await newPage();
      page.on('console', (message) => {
        const text = message.text();
        if (text.startsWith('[vite]')) return;
        if (message.type() === 'error') console.error(text);
        else if (message.type() === 'warn') console.warn(text);
        else console.log(text);
      });
      try {
        return await page.evaluate(async (path, input) => {
          const module = await import(path);
          return module.main(input);
        }, modulePath, args);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
