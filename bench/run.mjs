#!/usr/bin/env node
// npm run bench [-- --quick] [--json FILE] [--op NAME ...] [--variant op=name ...]
// Runs the benchmark rows in headless Chromium (WebGPU on whatever adapter Chromium finds) and
// prints a table; --json writes { adapter, results } for tools.
import { writeFileSync } from 'node:fs';
import { startBrowserSession } from '../scripts/browser-session.mjs';
import { printTable } from './table.mjs';

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
