/**
 * What every page of the demo site shares: the header with the way back to the landing page, the
 * status line and its error state, the context (with device-loss reporting), and `window.demo`,
 * the handle through which the site's tests watch a page (its context, whether it is ready, the
 * error it shows).
 */
import './site.css';
import { createContext, type Context } from '../src/index';

export interface DemoHandle {
  ctx: Context | null;
  /** True once the page has shown its first results (or its error). */
  ready: boolean;
  /** The error the page shows, or null. */
  error: string | null;
}

declare global {
  interface Window {
    demo: DemoHandle;
  }
}

window.demo = { ctx: null, ready: false, error: null };

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`demo page: no element #${id}`);
  return found as T;
}

function statusLine(): HTMLElement {
  return element('status');
}

export function setStatus(text: string): void {
  const s = statusLine();
  s.textContent = text;
  s.className = '';
  window.demo.error = null;
}

export function showError(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const s = statusLine();
  s.textContent = message;
  s.className = 'error';
  s.setAttribute('role', 'alert');
  window.demo.error = message;
  window.demo.ready = true;
}

export function markReady(): void {
  window.demo.ready = true;
}

/** Puts the site header (the way back to the landing page) at the top of the page. */
function header(): void {
  const bar = document.createElement('header');
  bar.className = 'site';
  bar.innerHTML = '<a href="./index.html">← webgpu-nn demos</a>';
  document.body.prepend(bar);
}

// Failures outside the page's own try/catch (an op rejected in an event handler) still show.
window.addEventListener('unhandledrejection', (event) => showError(event.reason));
window.addEventListener('error', (event) => showError(event.error ?? event.message));
if (!document.body.dataset.landing) header();

/**
 * The page's context: WebGPU where the browser has it; the cpu backend otherwise when `cpuOk`,
 * else an error. A lost device is reported in the status line.
 */
export async function pageContext({ cpuOk }: { cpuOk: boolean }): Promise<Context> {
  const ctx = await createContext();
  window.demo.ctx = ctx;
  if (ctx.backend !== 'webgpu') {
    if (!cpuOk) {
      ctx.destroy();
      window.demo.ctx = null;
      throw new Error(`This page needs WebGPU, and this browser has none (${ctx.fallbackReason}).`);
    }
    setStatus(`No WebGPU here (${ctx.fallbackReason}): running on the cpu backend.`);
  } else {
    setStatus(`Running on WebGPU: ${adapterText(ctx)}.`);
    void ctx.lost.then((info) => showError(`GPU device lost (${info.reason || 'unknown reason'}): ${info.message}. Reload the page to start again.`));
  }
  return ctx;
}

export function adapterText(ctx: Context): string {
  const a = ctx.adapterInfo;
  if (!a) return 'cpu backend';
  return `${a.vendor || 'unknown vendor'} / ${a.architecture || 'unknown architecture'}${isSoftware(a.architecture, a.description) ? ' (software adapter)' : ''}`;
}

/** SwiftShader (Chromium's CPU implementation of WebGPU) and other software rasterizers. */
export function isSoftware(architecture: string, description = ''): boolean {
  return /swiftshader|llvmpipe|lavapipe|software|warp/i.test(`${architecture} ${description}`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Runs a page's start-up, showing any failure in the status line. */
export function start(run: () => Promise<void>): void {
  run().then(markReady, showError);
}
