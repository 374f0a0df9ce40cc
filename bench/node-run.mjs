#!/usr/bin/env node
// Runs the benchmarks in Node on a native WebGPU implementation (Dawn's `webgpu` package), for
// machines with a GPU and no browser:
//   npx vite build --config bench/vite.node.config.ts
//   node bench/node-run.mjs [--webgpu PATH_TO_webgpu/index.js] [--quick] [--json FILE] [--op NAME]
// On SwiftShader (no GPU) use `npm run bench` instead: Dawn-in-Node crashes on long dispatches there.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { printTable } from './table.mjs';

const argv = process.argv.slice(2);
const args = { webgpu: 'webgpu', quick: false, json: null, ops: null };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--webgpu') args.webgpu = pathToFileURL(resolve(argv[++i])).href;
  else if (a === '--quick') args.quick = true;
  else if (a === '--json') args.json = argv[++i];
  else if (a === '--op') (args.ops ??= []).push(argv[++i]);
  else throw new Error(`node-run: unknown argument ${a}`);
}

const { create, globals } = await import(args.webgpu);
Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create([]) };
const { main } = await import(new URL('./node-bundle/bench.js', import.meta.url).href);
const out = await main({ quick: args.quick, ops: args.ops, variants: {} });
printTable(out.adapter, out.results);
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2) + '\n');
process.exit(0);
