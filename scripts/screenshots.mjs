#!/usr/bin/env node
// npm run screenshots: builds the demo site, serves it under a sub-path on 127.0.0.1 and writes a
// PNG of each page at desktop width and at 360 px to docs/images/ (NAME-desktop.png,
// NAME-360.png). The training playground is shown after a few hundred steps, the bench page
// after a run of its quick mode (minutes on a machine without a GPU). Page names as arguments
// (`npm run screenshots -- training bench`) take only those.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer';
import { build } from 'vite';
import { CANVAS_CHROME_ARGS, findChrome } from './chrome.mjs';
import { serveStatic } from './static-server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'images');

/** Each page, and what to do once it is ready before the pictures are taken. */
const PAGES = [
  { name: 'landing', file: 'index.html' },
  { name: 'playground', file: 'playground.html' },
  { name: 'softmax', file: 'softmax.html' },
  { name: 'xor', file: 'xor.html' },
  { name: 'reverse', file: 'reverse.html' },
  {
    name: 'training',
    file: 'training.html',
    async act(page) {
      await page.select('#dataset', 'spirals');
      await page.waitForFunction(() => document.getElementById('steps').textContent === '0');
      await page.select('#epochs', '25');
      await page.waitForFunction(() => document.getElementById('steps').textContent === '0');
      await page.click('#play');
      await page.waitForFunction(() => Number(document.getElementById('steps').textContent) >= 3000, { timeout: 300_000, polling: 100 });
      await page.click('#play');
      await page.click('#tfjs');
      await page.waitForFunction(() => /TF\.js cpu: \d+ steps/.test(document.getElementById('tf-result').textContent), { timeout: 300_000 });
    },
  },
  { name: 'bench', file: process.env.BENCH_MODE ? `bench.html#run=${process.env.BENCH_MODE}` : 'bench.html#run=quick', timeout: 900_000 },
];

const waitReady = (page, timeout = 300_000) => page.waitForFunction('window.demo && window.demo.ready === true && !document.querySelector("button:disabled")', { timeout, polling: 200 });

mkdirSync(OUT, { recursive: true });
await build({ configFile: join(ROOT, 'demo/vite.config.ts'), logLevel: 'warn' });
const site = await serveStatic(join(ROOT, 'dist-demo'), '/webgpu-nn/');
const browser = await puppeteer.launch({ executablePath: findChrome(), args: CANVAS_CHROME_ARGS, headless: true, protocolTimeout: 0 });
try {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !PAGES.some((p) => p.name === n));
  if (unknown.length) throw new Error(`screenshots: no page named ${unknown.join(', ')} (pages: ${PAGES.map((p) => p.name).join(', ')})`);
  for (const { name, file, act, timeout } of PAGES.filter((p) => !only.length || only.includes(p.name))) {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`[${name}] ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[${name}] ${m.text()}`);
    });
    await page.setViewport({ width: 1200, height: 900 });
    const t0 = performance.now();
    await page.goto(site.url + file);
    await waitReady(page, timeout);
    if (act) {
      await act(page);
      await waitReady(page, timeout);
    }
    const error = await page.evaluate(() => window.demo.error);
    if (error) console.error(`[${name}] the page shows an error: ${error}`);
    await page.screenshot({ path: join(OUT, `${name}-desktop.png`), fullPage: true });
    await page.setViewport({ width: 360, height: 740 });
    await new Promise((r) => setTimeout(r, 300));
    await page.screenshot({ path: join(OUT, `${name}-360.png`), fullPage: true });
    console.log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote docs/images/${name}-desktop.png and ${name}-360.png`);
    await page.close();
  }
} finally {
  await browser.close();
  await site.close();
}
