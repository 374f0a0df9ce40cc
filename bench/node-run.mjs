#!/usr/bin/env node
// Runs the benchmarks in Node on a native WebGPU implementation (Dawn's `webgpu` package), for
// machines with a GPU and no browser (TF.js and ONNX Runtime Web rows are browser-only):
//   npx vite build --config bench/vite.node.config.ts
//   node bench/node-run.mjs [--webgpu PATH_TO_webgpu/index.js] [--quick] [--json FILE]
//     [--op NAME ...] [--impl NAME ...] [--autotune]
// Timestamps are requested unquantized (Dawn rounds them to tens of microseconds by default,
// which hides the time of small kernels on a fast GPU).
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { printTable } from './table.mjs';
import { autotuneTable } from './report.mjs';

const argv = process.argv.slice(2);
const args = { webgpu: 'webgpu', quick: false, json: null, ops: null, impls: null, autotune: false };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--webgpu') args.webgpu = pathToFileURL(resolve(argv[++i])).href;
  else if (a === '--quick') args.quick = true;
  else if (a === '--json') args.json = argv[++i];
  else if (a === '--op') (args.ops ??= []).push(argv[++i]);
  else if (a === '--impl') (args.impls ??= []).push(argv[++i]);
  else if (a === '--autotune') args.autotune = true;
  else throw new Error(`node-run: unknown argument ${a}`);
}

const { create, globals } = await import(args.webgpu);
Object.assign(globalThis, globals);
globalThis.navigator = { gpu: create(['disable-dawn-features=timestamp_quantization']) };
const { main } = await import(new URL('./node-bundle/bench.js', import.meta.url).href);
const out = await main({ quick: args.quick, compare: false, autotune: args.autotune, ops: args.ops, impls: args.impls, variants: {} });
printTable(out.adapter, out.results);
if (out.autotune?.length) console.log(`\n${autotuneTable(out.autotune)}`);
console.log(`\nbench: ${(out.seconds / 60).toFixed(1)} min`);
if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2) + '\n');
process.exit(0);
