#!/usr/bin/env node
// npm run example:xor / example:reverse: runs examples/NAME.ts in headless Chromium on WebGPU and
// prints what it prints.
import { startBrowserSession } from './browser-session.mjs';

const name = process.argv[2];
if (!/^[a-z-]+$/.test(name ?? '')) {
  console.error('usage: node scripts/example.mjs NAME   (runs examples/NAME.ts)');
  process.exit(2);
}
const session = await startBrowserSession();
try {
  await session.runModule(`/examples/${name}.ts`);
} finally {
  await session.close();
}
