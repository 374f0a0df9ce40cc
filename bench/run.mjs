#!/usr/bin/env node
// npm run bench [-- --quick] [--json FILE] [--report] [--report-dir DIR] [--op NAME ...]
//   [--impl NAME ...] [--variant op=name ...] [--compare | --no-compare] [--autotune | --no-autotune]
// --no-compare leaves out TF.js and ONNX Runtime Web, --no-autotune the autotuning check (--quick
// leaves out both unless --compare / --autotune is given).
// Runs the benchmark rows in headless Chromium (WebGPU on whatever adapter Chromium finds) and
// prints a table; --json writes { adapter, settings, seconds, results, autotune } for tools;
// --report writes BENCHMARKS.md and BENCHMARKS.svg (the speedup chart) in the repository root
// (--report-dir DIR: in DIR instead).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserSession } from '../scripts/browser-session.mjs';
import { autotuneTable, markdown, svgChart } from './report.mjs';
import { printTable } from './table.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { quick: false, compare: null, autotune: null, json: null, report: null, ops: null, impls: null, variants: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--no-compare') args.compare = false;
    else if (a === '--compare') args.compare = true;
    else if (a === '--no-autotune') args.autotune = false;
    else if (a === '--autotune') args.autotune = true;
    else if (a === '--json') args.json = argv[++i];
    else if (a === '--report') args.report ??= ROOT;
    else if (a === '--report-dir') args.report = resolve(argv[++i]);
    else if (a === '--op') (args.ops ??= []).push(argv[++i]);
    else if (a === '--impl') (args.impls ??= []).push(argv[++i]);
    else if (a === '--variant') {
      const [op, name] = argv[++i].split('=');
      args.variants[op] = name;
    } else throw new Error(`bench: unknown argument ${a} (see bench/run.mjs for usage)`);
  }
  // --quick is the smoke run (first shape of each op): TF.js and ORT take seconds per run on
  // SwiftShader, so they join it only when asked (--compare).
  args.compare ??= !args.quick;
  args.autotune ??= !args.quick;
  return args;
}

function version(pkg) {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

const argv = process.argv.slice(2);
const args = parseArgs(argv);
// TF.js ships CommonJS pieces: the dev server pre-bundles it into ESM for the page.
const session = await startBrowserSession({ prebundle: args.compare ? ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'] : [] });
try {
  const out = await session.runModule('/bench/main.ts', { quick: args.quick, compare: args.compare, autotune: args.autotune, ops: args.ops, impls: args.impls, variants: args.variants });
  printTable(out.adapter, out.results);
  if (out.autotune?.length) console.log(`\n${autotuneTable(out.autotune)}`);
  console.log(`\nbench: ${(out.seconds / 60).toFixed(1)} min in the page`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(out, null, 2) + '\n');
    console.log(`wrote ${args.json}`);
  }
  if (args.report) {
    mkdirSync(args.report, { recursive: true });
    const chart = 'BENCHMARKS.svg';
    const meta = {
      date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
      command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
      browser: await session.browser.version(),
      versions: {
        '@tensorflow/tfjs': version('@tensorflow/tfjs'),
        '@tensorflow/tfjs-backend-webgpu': version('@tensorflow/tfjs-backend-webgpu'),
        'onnxruntime-web': version('onnxruntime-web'),
      },
      chart,
    };
    writeFileSync(join(args.report, 'BENCHMARKS.md'), markdown(out, meta));
    writeFileSync(join(args.report, chart), svgChart(out.results, `webgpu-nn speedup, ${out.adapter.vendor}/${out.adapter.architecture}`));
    console.log(`wrote ${join(args.report, 'BENCHMARKS.md')} and ${chart}`);
  }
} finally {
  await session.close();
}
