/**
 * The demo site, as a visitor gets it: built into dist-demo/ (as `npm run build:demo` does),
 * served statically under a sub-path on 127.0.0.1, each page opened at 360 px wide in a headless
 * Chromium that can show WebGPU canvases (CANVAS_CHROME_ARGS). Any request outside the site fails the page, as do console errors, uncaught
 * rejections, an error shown in the status line, a table cell that is not a finite number where
 * one is expected, a blank chart, horizontal scrolling and tensors that pile up while the page
 * runs. The landing page is also opened in a Chromium without WebGPU.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { build } from 'vite';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { serveStatic } from '../../scripts/static-server.mjs';
import { CANVAS_CHROME_ARGS, CHROME_ARGS, findChrome } from '../../scripts/chrome.mjs';
import { cpu } from '../../src/index';
import { formatArray } from '../../demo/format';
import { seeded } from '../../demo/start';
import { render } from '../../bench/render.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SUB_PATH = '/some/sub/path/';

let site: Awaited<ReturnType<typeof serveStatic>>;
let browser: Browser;

beforeAll(async () => {
  await build({ configFile: resolve(ROOT, 'demo/vite.config.ts'), logLevel: 'warn' });
  site = await serveStatic(resolve(ROOT, 'dist-demo'), SUB_PATH);
  browser = await puppeteer.launch({ executablePath: findChrome(), args: CANVAS_CHROME_ARGS, headless: true, protocolTimeout: 0 });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface OpenPage {
  page: Page;
  /** Console errors, uncaught exceptions and requests outside the site, as they happen. */
  problems: string[];
  close(): Promise<void>;
}

/** Opens `file` of the site at 360 px wide and waits until the page says it is ready. */
async function open(b: Browser, file: string, query = ''): Promise<OpenPage> {
  const page = await b.newPage();
  await page.setViewport({ width: 360, height: 740 });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${(e as Error).message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(site.url) || url.startsWith('data:') || url.startsWith('blob:')) void request.continue();
    else {
      problems.push(`request outside the site: ${url}`);
      void request.abort();
    }
  });
  await page.goto(`${site.url}${file}${query}`);
  await page.waitForFunction('window.demo && window.demo.ready === true', { timeout: 120_000, polling: 100 });
  return { page, problems, close: () => page.close() };
}

/**
 * What a visitor sees of canvas `#id` alone (the other layers of its stack hidden), from a
 * screenshot: a WebGPU canvas cannot be read back from the page in this headless Chromium
 * (drawImage gives transparent pixels once the frame was shown; docs/swiftshader.md). Whether its pixels vary, and the share of
 * them within 40 (RGB distance) of each of `colours`.
 */
async function shownPixels(page: Page, id: string, colours: number[][] = []): Promise<{ varies: boolean; near: number[] }> {
  const layers = (hidden: boolean) =>
    page.$eval(`#${id}`, (canvas, hidden) => {
      for (const other of canvas.parentElement!.children) if (other !== canvas) (other as HTMLElement).style.visibility = hidden ? 'hidden' : '';
    }, hidden);
  await layers(true);
  const png = await (await page.$(`#${id}`))!.screenshot({ encoding: 'base64' });
  await layers(false);
  return page.evaluate(async (png, colours) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob());
    const g = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    g.drawImage(bitmap, 0, 0);
    const { data } = g.getImageData(0, 0, bitmap.width, bitmap.height);
    let varies = false;
    const near = colours.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      varies ||= data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2];
      colours.forEach(([r, gr, b], k) => {
        if (Math.hypot(data[i] - r, data[i + 1] - gr, data[i + 2] - b) < 40) near[k]++;
      });
    }
    return { varies, near: near.map((n) => n / (data.length / 4)) };
  }, png, colours);
}

/** What every page must satisfy once it has shown its results. */
async function expectHealthy({ page, problems }: OpenPage): Promise<void> {
  const state = await page.evaluate(() => {
    const blank: string[] = [];
    const gpuCanvases: string[] = [];
    // Sections a page keeps hidden until they have content (the bench page's before a run) are skipped.
    const shown = (e: Element) => !e.closest('[hidden]');
    document.querySelectorAll<HTMLElement>('.chart').forEach((chart, k) => {
      if (!shown(chart)) return;
      const name = chart.id || `chart ${k}`;
      const canvases = [...chart.querySelectorAll('canvas')];
      if (canvases.length) {
        // Each layer on its own. A canvas with a WebGPU context has no 2-D one: it is checked
        // from a screenshot (below).
        for (const canvas of canvases) {
          const g = canvas.getContext('2d');
          if (!g) {
            gpuCanvases.push(canvas.id);
            continue;
          }
          const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
          let differs = false;
          for (let i = 4; i < data.length && !differs; i += 4) differs = data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3];
          if (!differs) blank.push(`${name}: canvas ${canvas.id} of one colour`);
        }
        return;
      }
      // Plot's marks: groups labelled by their kind; axes, ticks and grids are not marks.
      const marks = [...chart.querySelectorAll('svg g[aria-label]')].filter((g) => !/axis|tick|grid|label|rule/.test(g.getAttribute('aria-label')!));
      if (marks.reduce((n, g) => n + g.childElementCount, 0) === 0) blank.push(`${name}: no marks`);
    });
    const tables = [...document.querySelectorAll('table')].filter(shown).map((t) => ({
      id: t.id,
      cells: [...t.querySelectorAll('tbody td')].map((td) => td.textContent!.trim()),
    }));
    return {
      error: window.demo.error,
      blank,
      gpuCanvases,
      tables,
      scrollWidth: document.documentElement.scrollWidth,
      links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
    };
  });
  expect(problems).toEqual([]);
  expect(state.error).toBeNull();
  expect(state.blank).toEqual([]);
  for (const id of state.gpuCanvases) expect((await shownPixels(page, id)).varies, `#${id} is of one colour`).toBe(true);
  for (const t of state.tables) {
    if (t.id === 'timing') continue; // filled on demand (the playground's timing button)
    expect(t.cells.length, `table #${t.id} is empty`).toBeGreaterThan(0);
    expect(t.cells.filter((c) => /^(NaN|-?Infinity|undefined|null)$/.test(c)), `table #${t.id}`).toEqual([]);
  }
  expect(state.scrollWidth).toBeLessThanOrEqual(360);
  expect(state.links).toContain('./index.html');
}

const liveTensors = (page: Page) =>
  page.evaluate(() => {
    const m = window.demo.ctx!.memory() as { tensors: number; numTensors?: number };
    return m.numTensors ?? m.tensors;
  });

/** Every control can be reached with Tab and has a label. */
async function expectLabelledControls(page: Page): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('input, select, button')]
      .filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || (c.tagName === 'BUTTON' && c.textContent!.trim())) || c.tabIndex < 0)
      .map((c) => c.outerHTML.slice(0, 80)),
  );
  expect(unlabelled).toEqual([]);
}

describe('landing page', () => {
  it('names the adapter and links every page', async () => {
    const p = await open(browser, 'index.html');
    try {
      await expectHealthy(p);
      const info = await p.page.evaluate(() => ({
        facts: document.getElementById('adapter')!.textContent!,
        cards: [...document.querySelectorAll('.card a')].map((a) => a.getAttribute('href')),
        thumbnails: document.querySelectorAll('.card svg').length,
      }));
      expect(info.facts).toContain('swiftshader');
      expect(info.facts).toContain('software adapter');
      expect(info.cards).toEqual(['./playground.html', './softmax.html', './xor.html', './reverse.html', './training.html', './bench.html']);
      expect(info.thumbnails).toBe(6);
    } finally {
      await p.close();
    }
  });

  it('says plainly that there is no WebGPU in a Chromium without it', async () => {
    const plain = await puppeteer.launch({ executablePath: findChrome(), args: CHROME_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'), headless: true });
    try {
      const p = await open(plain, 'index.html');
      const shown = await p.page.evaluate(() => ({
        status: document.getElementById('status')!.textContent!,
        className: document.getElementById('status')!.className,
        badges: [...document.querySelectorAll('.card .badge')].map((b) => b.textContent),
      }));
      expect(p.problems).toEqual([]);
      expect(shown.className).toBe('error');
      expect(shown.status).toContain('This browser has no WebGPU');
      expect(shown.badges).toEqual([...Array(5).fill('runs on the cpu backend here'), 'needs WebGPU']);
      await p.close();

      // A page that runs on the cpu backend says so and works; the bench page shows why it cannot.
      const playground = await open(plain, 'playground.html');
      expect(playground.problems).toEqual([]);
      expect(await playground.page.$eval('#status', (e) => e.textContent)).toMatch(/^No WebGPU here .*running on the cpu backend/);
      expect(await playground.page.$$eval('#probs tbody tr', (rows) => rows.length)).toBe(5);
      await playground.close();
      // The training playground draws its map from a readback there (no device, no WebGPU canvas).
      const training = await open(plain, 'training.html');
      await expectHealthy(training);
      expect(await training.page.$eval('#status', (e) => e.textContent)).toMatch(/^No WebGPU here .*running on the cpu backend/);
      await training.close();
      const bench = await open(plain, 'bench.html');
      expect(await bench.page.$eval('#status', (e) => [e.className, e.textContent])).toEqual(['error', expect.stringContaining('This page needs WebGPU')]);
      await bench.close();
    } finally {
      await plain.close();
    }
  });
});

describe('softmax playground', () => {
  it('shows softmax, its chart and Jacobian; errors show and clear; no tensor leaks per edit', async () => {
    const p = await open(browser, 'playground.html');
    try {
      await expectHealthy(p);
      await expectLabelledControls(p.page);
      const probs = await p.page.$$eval('#probs tbody td:nth-child(4)', (tds) => tds.map((td) => Number(td.textContent)));
      const e = [1, 2, 3, 4, 1].map(Math.exp);
      const sum = e.reduce((a, b) => a + b, 0);
      probs.forEach((v, i) => expect(v).toBeCloseTo(e[i] / sum, 5));
      const before = await liveTensors(p.page);

      const input = await p.page.$('#logits');
      await input!.click({ count: 3 });
      await input!.type('1, oops');
      await p.page.waitForFunction(() => document.getElementById('status')!.className === 'error');
      const color = await p.page.$eval('#status', (s) => getComputedStyle(s).color);
      expect(color).toBe('rgb(179, 38, 30)');
      await input!.click({ count: 3 });
      await input!.type('0, 0, 0, 0');
      await p.page.waitForFunction(() => document.getElementById('status')!.className === '' && document.querySelectorAll('#probs tbody tr').length === 4);
      const quarter = await p.page.$$eval('#probs tbody td:nth-child(4)', (tds) => tds.map((td) => Number(td.textContent)));
      expect(quarter).toEqual([0.25, 0.25, 0.25, 0.25]);

      // Temperature: T = 0.5 doubles the logits.
      await p.page.$eval('#temperature', (t) => {
        (t as HTMLInputElement).value = '0.5';
        t.dispatchEvent(new Event('input'));
      });
      await input!.click({ count: 3 });
      await input!.type('0, 1');
      await p.page.waitForFunction(() => document.querySelectorAll('#probs tbody tr').length === 2);
      const sharp = await p.page.$$eval('#probs tbody td:nth-child(4)', (tds) => tds.map((td) => Number(td.textContent)));
      expect(sharp[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 5);
      await expectHealthy(p);
      expect(await liveTensors(p.page)).toBe(before);

      // A lost device is shown, and so is the failure of the next op.
      await p.page.evaluate(() => window.demo.ctx!.gpu!.device.destroy());
      await p.page.waitForFunction(() => /GPU device lost/.test(window.demo.error ?? ''));
      await input!.type(', 2');
      await p.page.waitForFunction(() => /DeviceLostError/.test(window.demo.error ?? ''));
      expect(await p.page.$eval('#status', (s) => s.className)).toBe('error');
    } finally {
      await p.close();
    }
  });
});

describe('softmax article', () => {
  it('prints what npm start prints for the seeded logits, with S, J and a checked vector-Jacobian product', async () => {
    const p = await open(browser, 'softmax.html');
    try {
      await expectHealthy(p);
      await expectLabelledControls(p.page);
      const x = seeded(5, 5, -2, 2);
      const printed = await p.page.$eval('#printed', (e) => e.textContent!);
      expect(printed).toContain("The article's 5-element example (seeded logits):");
      expect(printed).toContain(`  x = ${formatArray(x, [5])}`);
      const s = printed.match(/S = softmax\(x\) = \[([^\]]*)\]/)![1].trim().split(/\s+/).map(Number);
      const ref = cpu.softmax(x, [1, 5]);
      s.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-6));
      expect(printed).toMatch(/J is symmetric \(max \|J - J\^T\| = [0-9.e+-]+\); each row sums to 0/);
      const vjp = await p.page.$$eval('#vjp tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent))));
      expect(vjp).toHaveLength(5);
      // v = e_0: v^T J is J's first row, S_0 (delta_0j - S_j).
      vjp.forEach(([, , fromKernel, fromJ], j) => {
        expect(Math.abs(fromKernel - ref[0] * ((j === 0 ? 1 : 0) - ref[j]))).toBeLessThan(1e-6);
        expect(Math.abs(fromKernel - fromJ)).toBeLessThan(1e-6);
      });
      const before = await liveTensors(p.page);
      const input = await p.page.$('#logits');
      await input!.click({ count: 3 });
      await input!.type('1, 2, 3');
      await p.page.waitForFunction(() => window.demo.error !== null);
      const vector = await p.page.$('#vector');
      await vector!.click({ count: 3 });
      await vector!.type('0, 0, 1');
      await p.page.waitForFunction(() => window.demo.error === null && document.querySelectorAll('#vjp tbody tr').length === 3);
      expect(await p.page.$eval('#printed', (e) => e.textContent!)).toContain("The article's 3-element example (your logits):");
      expect(await liveTensors(p.page)).toBe(before);
    } finally {
      await p.close();
    }
  });
});

describe('XOR article', () => {
  it('trains as npm run example:xor does: the 9-parameter summary, predictions rounding to 0 1 1 0, the boundary', async () => {
    const p = await open(browser, 'xor.html');
    try {
      await expectHealthy(p);
      await expectLabelledControls(p.page);
      const shown = await p.page.evaluate(() => ({
        summary: document.getElementById('summary')!.textContent!,
        printed: document.getElementById('printed')!.textContent!,
        rounded: [...document.querySelectorAll('#predictions tbody td:nth-child(4)')].map((td) => td.textContent),
      }));
      expect(shown.summary).toMatch(/Total params: 9\b/);
      expect(shown.printed).toContain(shown.summary);
      expect(shown.printed).toContain('fit: 100000 epochs, batch 4, SGD learning rate 0.01, seed 16');
      expect(shown.printed).toMatch(/epoch 100000: loss \d\.\d{6}/);
      expect(shown.rounded).toEqual(['0', '1', '1', '0']);
      expect(await liveTensors(p.page)).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe('reversal article', () => {
  it('shows every training number right, the last digit of every new one wrong, and row 0 unchanged', async () => {
    const p = await open(browser, 'reverse.html');
    try {
      await expectHealthy(p);
      const shown = await p.page.evaluate(() => {
        const table = (id: string) => [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
        return { glorot: table('glorot'), zero: table('zero'), weights: table('weights'), printed: document.getElementById('printed')!.textContent! };
      });
      for (const table of [shown.glorot, shown.zero]) {
        const rows = table.filter((r) => r.length === 4);
        expect(rows.slice(0, 6).map((r) => r[3])).toEqual(Array(6).fill('right'));
        expect(rows.slice(6).map((r) => r[3])).toEqual(Array(6).fill('wrong'));
        // Wrong in the last digit only: it should be 1 (the first input digit) and is 0.
        for (const [, expected, got] of rows.slice(6)) expect(got).toBe(`${expected!.slice(0, 3)}0`);
      }
      expect(shown.weights[0].slice(1)).toEqual(shown.weights[1].slice(1));
      expect(shown.weights[3].slice(1)).toEqual(['0.0000', '0.0000', '0.0000', '0.0000']);
      expect(shown.printed).toContain('(unchanged: zero gradient)');
      expect(shown.printed).toContain('WRONG (last digit should be 1)');
      expect(await liveTensors(p.page)).toBe(0);
    } finally {
      await p.close();
    }
  });
});

describe('training playground', () => {
  it('trains live: the loss falls over a few hundred steps, tensors stay flat, TF.js trains the same on request', async () => {
    const p = await open(browser, 'training.html');
    try {
      await expectHealthy(p);
      await expectLabelledControls(p.page);
      const steps = () => p.page.$eval('#steps', (e) => Number(e.textContent));
      const untrained = await liveTensors(p.page);
      // 25 epochs (200 steps) a frame: a few frames reach a few hundred steps.
      // The page is ready again once the new run has started (its data checked, its map drawn).
      await p.page.evaluate(() => {
        window.demo.ready = false;
      });
      await p.page.select('#epochs', '25');
      await p.page.waitForFunction(() => window.demo.ready && document.getElementById('steps')!.textContent === '0' && window.demo.error === null);
      // Tensors and readbacks are counted while paused, once the frame in flight has finished.
      const trainUntil = async (n: number) => {
        await p.page.click('#play');
        await p.page.waitForFunction((n) => Number(document.getElementById('steps')!.textContent) >= n, { timeout: 120_000, polling: 50 }, n);
        await p.page.click('#play');
        await p.page.waitForFunction(() => window.demo.ready && document.getElementById('play')!.textContent === 'Train' && !document.querySelector('button:disabled'));
      };
      // One readback a frame: fit's (its losses, and the host copy of the weights and optimizer
      // state, in one staging buffer: one mapAsync); the map is drawn from the prediction's GPU
      // buffer. The first frame's fit sizes its epochs' groups from a guess: counted after it.
      await p.page.evaluate(() => {
        const counted = globalThis as unknown as { readbacks: number };
        counted.readbacks = 0;
        const mapAsync = GPUBuffer.prototype.mapAsync;
        GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
          counted.readbacks++;
          return mapAsync.apply(this, args);
        };
      });
      const readbacks = () => p.page.evaluate(() => (globalThis as unknown as { readbacks: number }).readbacks);
      await trainUntil(150);
      const during = await liveTensors(p.page);
      const [stepsBefore, readbacksBefore] = [await steps(), await readbacks()];
      await trainUntil(stepsBefore + 400);
      expect(await liveTensors(p.page)).toBe(during);
      const frames = ((await steps()) - stepsBefore) / 200;
      expect(frames).toBeGreaterThanOrEqual(2);
      expect((await readbacks()) - readbacksBefore).toBe(frames);
      // The map (its WebGPU layer alone) shows both classes: pixels near each end of the scale.
      const map = await shownPixels(p.page, 'boundary-map', [[255, 165, 55], [45, 105, 215]]);
      expect(map.varies).toBe(true);
      expect(map.near[0], 'share of class-0 (orange) pixels').toBeGreaterThan(0.1);
      expect(map.near[1], 'share of class-1 (blue) pixels').toBeGreaterThan(0.1);
      const shown = await p.page.evaluate(() => ({
        first: Number(document.getElementById('first-loss')!.textContent),
        last: Number(document.getElementById('loss')!.textContent),
        rate: Number(document.getElementById('rate-shown')!.textContent),
      }));
      expect(shown.first).toBeGreaterThan(0.5);
      expect(shown.last).toBeLessThan(shown.first * 0.5);
      expect(shown.rate).toBeGreaterThan(0);
      const paused = await steps();
      const readbacksPaused = await readbacks();
      await p.page.click('#step');
      await p.page.waitForFunction((n) => Number(document.getElementById('steps')!.textContent) === n + 8, {}, paused);
      expect((await readbacks()) - readbacksPaused).toBe(1);
      expect(await p.page.$eval('#tf-cap', (e) => e.textContent)).toBe('1000');

      await p.page.click('#tfjs');
      await p.page.waitForFunction(() => window.demo.ready && /TF\.js cpu: \d+ steps/.test(document.getElementById('tf-result')!.textContent!), { timeout: 120_000 });
      const tf = await p.page.$eval('#tf-result', (e) => e.textContent!);
      const tfLoss = Number(tf.match(/final loss (\d+\.\d+)/)![1]);
      expect(tfLoss).toBeLessThan(shown.first);
      expect(await p.page.$$eval('#loss-chart svg g[aria-label="line"] path', (paths) => paths.length)).toBe(2);

      await p.page.select('#dataset', 'spirals');
      await p.page.waitForFunction(() => document.getElementById('steps')!.textContent === '0');
      await expectHealthy(p);
      // A new run on a new dataset: the old run's model and data are freed.
      expect(await liveTensors(p.page)).toBe(untrained);
    } finally {
      await p.close();
    }
  });
});

describe('bench page', () => {
  it('runs the smoke mode row by row; its JSON renders through bench/report.mjs', async () => {
    const p = await open(browser, 'bench.html');
    try {
      await expectHealthy(p);
      await expectLabelledControls(p.page);
      expect(await p.page.$eval('#status', (e) => e.textContent)).toContain('software adapter');
      await p.page.select('#mode', 'smoke');
      await p.page.evaluate(() => {
        window.demo.ready = false;
      });
      await p.page.click('#run');
      await p.page.waitForFunction(() => window.demo.ready === true, { timeout: 120_000, polling: 200 });
      await expectHealthy(p);
      const json = await p.page.evaluate(async () => {
        // The download button's file, caught on its way out.
        let captured = '';
        const original = URL.createObjectURL;
        URL.createObjectURL = (blob: Blob | MediaSource) => {
          void (blob as Blob).text().then((t) => (captured = t));
          return original(blob);
        };
        (document.getElementById('download') as HTMLButtonElement).click();
        URL.createObjectURL = original;
        while (!captured) await new Promise((r) => setTimeout(r, 20));
        return captured;
      });
      const out = JSON.parse(json);
      expect(out.adapter.architecture).toBe('swiftshader');
      expect(out.meta.software).toBe(true);
      expect(out.results.map((r: { impl: string }) => r.impl)).toEqual(['webgpu-nn', 'tfjs-cpu']);
      for (const r of out.results) {
        expect(r.status).toBe('ok');
        expect(Number.isFinite(r.median_ms)).toBe(true);
      }
      const cells = await p.page.$$eval('#speedups tbody td', (tds) => tds.map((td) => td.textContent));
      expect(cells[0]).toBe('softmax');
      expect(cells[3]).toMatch(/^\d+\.\d\dx$/);
      const report = render(out, 'page.json');
      expect(report.markdown).toContain('`google/swiftshader');
      expect(report.markdown).toMatch(/\| softmax \| \[4096, 1024\] \| - \| \d+\.\d\dx \| - \|/);
      expect(report.markdown).toContain("Generated by `the demo site's bench page, smoke mode`");
      expect(report.svg).toContain('vs tfjs-cpu');
      expect(await liveTensors(p.page)).toBe(0);
    } finally {
      await p.close();
    }
  });
});
