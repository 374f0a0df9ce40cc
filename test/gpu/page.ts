/**
 * Node-side handle on the shared headless Chromium: the GPU test files run their bodies with
 * `run(fn, args)` in one page that has the library (`nn`, from source), the comparison helpers
 * and the shared devices (`util`) loaded. `fn` is sent as source, so it may use only its
 * parameters. The files run one at a time and share the page, which lives for the whole run, so
 * that contexts on its shared devices (test/gpu/devices.ts) reuse the pipelines earlier files
 * compiled.
 */
import { inject, expect } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import type * as Library from '../../src/index';
import type * as Compare from '../util/compare';
import type * as Devices from './devices';
import { formatComparison, type Comparison } from '../util/compare';

export type NN = typeof Library;
export type UtilModule = typeof Compare & typeof Devices;

export interface GpuPage {
  page: Page;
  run<A, R>(fn: (nn: NN, util: UtilModule, args: A) => Promise<R> | R, args?: A): Promise<R>;
  close(): Promise<void>;
}

const PAGE = '/test/gpu/page.html';

export async function openGpuPage(): Promise<GpuPage> {
  const browser: Browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 0 });
  const url = `${inject('baseUrl')}${PAGE}`;
  let page = (await browser.pages()).find((p) => p.url() === url);
  if (!page) {
    page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction('window.ready === true', { timeout: 60_000 });
  }
  const shared = page;
  return {
    page: shared,
    run: (fn, args) =>
      shared.evaluate(
        async (source: string, input: unknown) => {
          const w = window as unknown as { nn: unknown; util: unknown };
          const body = new Function(`return (${source});`)();
          return body(w.nn, w.util, input);
        },
        fn.toString(),
        args as unknown,
      ) as Promise<never>,
    async close() {
      await browser.disconnect();
    },
  };
}

/** A webgpu-nn context, as test bodies see the one `openGpuPageWithContext` keeps in `window.ctx`. */
export type Ctx = Awaited<ReturnType<NN['createContext']>>;

/**
 * `openGpuPage` plus the page's webgpu context `window.ctx`, on the shared 'raised' device,
 * created by the first file that asks for it and kept for the run.
 */
export async function openGpuPageWithContext(): Promise<GpuPage> {
  const gpu = await openGpuPage();
  await gpu.run(async (nn, util) => {
    const w = window as unknown as { ctx?: unknown };
    w.ctx ??= await nn.createContext({ device: await util.sharedDevice('raised') });
  });
  return gpu;
}

/** Asserts a GPU-vs-reference comparison made in the page, printing the worst errors if it fails. */
export function expectClose(label: string, c: Comparison): void {
  expect(c.mismatches, formatComparison(label, c)).toBe(0);
}
