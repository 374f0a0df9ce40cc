/**
 * One headless Chromium and one vite server for the whole GPU test run. Prints the adapter; a
 * missing WebGPU adapter fails the run (never a skip).
 */
import type { TestProject } from 'vitest/node';
import { startBrowserSession, type BrowserSession } from '../../scripts/browser-session.mjs';

let session: BrowserSession | undefined;

export async function setup(project: TestProject): Promise<void> {
  session = await startBrowserSession();
  const adapter = await session.adapter();
  console.log(`webgpu-nn GPU tests: WebGPU adapter ${adapter.vendor}/${adapter.architecture}` + (adapter.description ? ` (${adapter.description})` : ''));
  project.provide('wsEndpoint', session.browser.wsEndpoint());
  project.provide('baseUrl', session.baseUrl);
}

export async function teardown(): Promise<void> {
  await session?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
    baseUrl: string;
  }
}
