/**
 * The recipes for testing one's own webgpu-nn code in headless Chromium (examples/headless-chrome,
 * docs/testing-in-headless-chrome.md) run here as a user runs them, so they cannot rot: vitest
 * browser mode with the Playwright provider, and a plain puppeteer script. Both use the system
 * Chromium and resolve every package from the repository's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findChrome } from '../../scripts/chrome.mjs';

const examples = fileURLToPath(new URL('../../examples/headless-chrome/', import.meta.url));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, CHROME_PATH: findChrome(), CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('headless Chromium recipes', () => {
  it('vitest browser mode runs a WebGPU test of webgpu-nn in Chromium', () => {
    const { status, output } = run(process.execPath, [fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)), 'run'], `${examples}vitest`);
    expect(output).toMatch(/chromium.*softmax\.test\.ts/);
    expect(output).toMatch(/Tests\s+1 passed \(1\)/);
    expect(status, output).toBe(0);
  });

  it('a puppeteer script runs the page checks on WebGPU and reports them', () => {
    const { status, output } = run(process.execPath, ['run-tests.mjs'], `${examples}puppeteer`);
    expect(output).toMatch(/adapter: \S+\/\S+/);
    expect(output).toMatch(/^2 passed, 0 failed$/m);
    expect(status, output).toBe(0);
  });
});
