#!/usr/bin/env node
// node bench/render.mjs RESULTS.json [--out DIR]
// Renders a bench run saved as JSON (by `npm run bench -- --json FILE`, or downloaded from the demo
// site's bench page) as BENCHMARKS.md's tables: printed, or with --out written to DIR/BENCHMARKS.md
// with the speedup chart DIR/BENCHMARKS.svg. Runs from other machines (real GPUs) are collected so.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { markdown, svgChart } from './report.mjs';

/**
 * BENCHMARKS.md and the chart of a saved run. The page's JSON carries `meta` (date, browser,
 * library versions); a run saved by `npm run bench -- --json` has none, and says so.
 */
export function render(out, source) {
  const chart = 'BENCHMARKS.svg';
  const meta = {
    date: out.meta?.date ?? 'an unrecorded date',
    command: out.meta?.command ?? `node bench/render.mjs ${source}`,
    browser: out.meta?.browser ?? 'an unrecorded browser',
    versions: out.meta?.versions ?? {},
    chart,
  };
  const title = `webgpu-nn speedup, ${out.adapter.vendor}/${out.adapter.architecture}${out.meta?.software ? ' (software adapter)' : ''}`;
  return { markdown: markdown(out, meta), svg: svgChart(out.results, title), chart };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const [file, flag, dir] = process.argv.slice(2);
  if (!file || (flag !== undefined && (flag !== '--out' || !dir))) {
    console.error('usage: node bench/render.mjs RESULTS.json [--out DIR]');
    process.exit(2);
  }
  const out = JSON.parse(readFileSync(file, 'utf8'));
  if (!out.adapter || !Array.isArray(out.results) || !out.settings) {
    console.error(`bench/render.mjs: ${file} is not a bench run (expected { adapter, settings, seconds, results })`);
    process.exit(1);
  }
  const report = render(out, file);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'BENCHMARKS.md'), report.markdown);
    writeFileSync(join(dir, report.chart), report.svg);
    console.log(`wrote ${join(dir, 'BENCHMARKS.md')} and ${report.chart}`);
  } else {
    process.stdout.write(report.markdown);
  }
}
