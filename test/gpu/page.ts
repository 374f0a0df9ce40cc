/**
 * Node-side handle on the shared headless Chromium: each GPU test file opens one page with the
 * library (`nn`, from source) and the comparison helpers (`util`) loaded, and runs test bodies in
 * it with `run(fn, args)`. `fn` is sent as source, so it may use only its parameters.
 */
import { inject, expect } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import type * as Library from '../../src/index';
import type * as Util from '../util/compare';
import { formatComparison, type Comparison } from '../util/compare';

export type NN = typeof Library;
export type UtilModule = typeof Util;

export interface GpuPage {
  page: Page;
  run<A, R>(fn: (nn: NN, util: UtilModule, args: A) => Promise<R> | R, args?: A): Promise<R>;
  close(): Promise<void>;
}

export async function openGpuPage(): Promise<GpuPage> {
  const browser: Browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 0 });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push((e as Error).message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${inject('baseUrl')}/test/gpu/page.html`);
  await page.waitForFunction('window.ready === true', { timeout: 60_000 });
  return {
    page,
    run: (fn, args) =>
      page.evaluate(
        async (source: string, input: unknown) => {
          const w = window as unknown as { nn: unknown; util: unknown };
          const body = new Function(`return (${source});`)();
          return body(w.nn, w.util, input);
        },
        fn.toString(),
        args as unknown,
      ) as Promise<never>,
    async close() {
      await page.close();
      await browser.disconnect();
    },
  };
}

/** A webgpu-nn context, as test bodies see the one `openGpuPageWithContext` keeps in `window.ctx`. */
export type Ctx = Awaited<ReturnType<NN['createContext']>>;

/**
 * `openGpuPage` plus one webgpu context for the whole file, kept in the page as `window.ctx`
 * (destroyed by `close()`): SwiftShader compiles each pipeline (kernel x overrides) in 1-3 s, once
 * per device, so a context per test would repeat that work.
 */
export async function openGpuPageWithContext(): Promise<GpuPage> {
  const gpu = await openGpuPage();
  await gpu.run(async (nn) => {
    (window as unknown as { ctx: unknown }).ctx = await nn.createContext({ backend: 'webgpu' });
  });
  return {
    ...gpu,
    async close() {
      await gpu.run(async () => (window as unknown as { ctx: { destroy(): void } }).ctx.destroy());
      await gpu.close();
    },
  };
}

/** Asserts a GPU-vs-reference comparison made in the page, printing the worst errors if it fails. */
export function expectClose(label: string, c: Comparison): void {
  expect(c.mismatches, formatComparison(label, c)).toBe(0);
}
