#!/usr/bin/env node
// npm run bench [-- --quick] [--json FILE] [--op NAME ...] [--variant op=name ...]
// Runs the benchmark rows in headless Chromium (WebGPU on whatever adapter Chromium finds) and
// prints a table; --json writes { adapter, results } for tools.
import { writeFileSync } from 'node:fs';
import { startBrowserSession } from '../scripts/browser-session.mjs';

function parseArgs(argv) {
  const args = { quick: false, json: null, ops: null, variants: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--json') args.json = argv[++i];
    else if (a === '--op') (args.ops ??= []).push(argv[++i]);
    else if (a === '--variant') {
      const [op, name] = argv[++i].split('=');
      args.variants[op] = name;
    } else throw new Error(`bench: unknown argument ${a} (see bench/run.mjs for usage)`);
  }
  return args;
}

function fmt(v, digits = 2) {
  if (v === null || v === undefined) return '-';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

function printTable(adapter, results) {
  console.log(`\nadapter: ${adapter.vendor}/${adapter.architecture}${adapter.description ? ` (${adapter.description})` : ''}`);
  const header = ['op', 'shape', 'impl', 'variant', 'median ms', 'min', 'max', 'roundtrip ms', 'GB/s', 'GFLOP/s', 'x webgpu-nn'];
  const lines = results.map((r) => {
    const ours = results.find((o) => o.op === r.op && o.impl === 'webgpu-nn' && JSON.stringify(o.shape) === JSON.stringify(r.shape));
    const ratio = ours && r.median_ms !== null && ours.median_ms ? r.median_ms / ours.median_ms : null;
    return [r.op, `[${r.shape.join(',')}]`, r.impl, r.variant ?? '-', fmt(r.median_ms), fmt(r.min_ms), fmt(r.max_ms), fmt(r.roundtrip_ms), fmt(r.gbps), fmt(r.gflops), fmt(ratio)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

const args = parseArgs(process.argv.slice(2));
const session = await startBrowserSession();
try {
  const out = await session.runModule('/bench/main.ts', { quick: args.quick, ops: args.ops, variants: args.variants });
  printTable(out.adapter, out.results);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(out, null, 2) + '\n');
    console.log(`\nwrote ${args.json}`);
  }
} finally {
  await session.close();
}
