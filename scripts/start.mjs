#!/usr/bin/env node
// npm start: runs demo/start.ts in headless Chromium on WebGPU and prints what it computes.
import { startBrowserSession } from './browser-session.mjs';

const session = await startBrowserSession();
try {
  await session.runModule('/demo/start.ts');
} finally {
  await session.close();
}
