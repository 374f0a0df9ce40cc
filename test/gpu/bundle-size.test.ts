/**
 * What an app ships: three vite apps built against the packed tarball (as a consumer installs it),
 * measured minified and gzipped. The lean entry `webgpu-nn/core` carries only the ops an app
 * imports; the main entry carries everything its context's methods reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { installPackedLibrary, ROOT } from '../util/pack';

/** The lean entry's promise: createContext + softmax, at most this many gzipped bytes. */
const SOFTMAX_APP_GZIP_LIMIT = 32 * 1024;

const APPS = {
  softmax: `import { createContext, softmax } from 'webgpu-nn/core';
    const ctx = await createContext();
    console.log(await softmax(ctx, ctx.tensor([[1, 2, 3]])).read());`,
  training: `import { Sequential, Dense, createContext } from 'webgpu-nn';
    const model = new Sequential([new Dense({ units: 4, inputShape: [2], activation: 'relu' }), new Dense({ units: 1, activation: 'sigmoid' })]);
    model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', context: await createContext() });
    await model.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 10 });
    console.log(await model.predict([[0, 1]]).read());`,
  everything: `import * as nn from 'webgpu-nn';
    globalThis.webgpuNN = nn;`,
};

interface AppSize {
  minified: number;
  gzip: number;
  code: string;
}

let project: string;
const sizes: Record<string, AppSize> = {};

beforeAll(async () => {
  project = installPackedLibrary('webgpu-nn-bundle-');
  for (const [name, source] of Object.entries(APPS)) {
    const root = join(project, 'apps', name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(root, 'main.js'), source);
    await build({ root, configFile: false, logLevel: 'silent', build: { outDir: 'dist', target: 'es2022' } });
    const assets = join(root, 'dist/assets');
    const code = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    sizes[name] = { minified: Buffer.byteLength(code), gzip: gzipSync(code).length, code };
  }
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(Object.entries(sizes).map(([name, s]) => `bundle ${name}: ${kB(s.minified)} minified, ${kB(s.gzip)} gzip`).join('\n'));
}, 600_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('app bundles', () => {
  it(`a softmax-only app on webgpu-nn/core ships at most ${SOFTMAX_APP_GZIP_LIMIT / 1024} kB gzip`, () => {
    expect(sizes.softmax.gzip).toBeLessThanOrEqual(SOFTMAX_APP_GZIP_LIMIT);
  });

  it("carries softmax's kernels and none of the other ops'", () => {
    // A kernel is in a bundle when its WGSL is: look for the first line of its file (its header
    // comment, which names no other kernel).
    // (Kernels that exist only for SwiftShader live in shaders/swiftshader/, shared parts in
    // shaders/parts/.)
    const header = (kernel: string) => {
      const path = ['shaders', 'shaders/swiftshader', 'shaders/parts'].map((dir) => join(ROOT, dir, `${kernel}.wgsl`)).find((p) => existsSync(p))!;
      return readFileSync(path, 'utf8').split('\n')[0];
    };
    const { code } = sizes.softmax;
    for (const kernel of ['normalize_lines', 'normalize_rows_vec4', 'softmax_split_stats', 'normalize_split_write', 'normalize_workgroup', 'softmax_output']) {
      expect(code, kernel).toContain(header(kernel));
    }
    for (const kernel of ['matmul_tiled', 'matmul_lanes', 'log_softmax_output', 'vjp_lines', 'cross_entropy_rows', 'jacobian_rows', 'train_small', 'optimizer_step']) {
      expect(code, kernel).not.toContain(header(kernel));
    }
    // The everything app has them all.
    for (const kernel of ['matmul_tiled', 'log_softmax_output', 'cross_entropy_rows', 'jacobian_rows', 'train_small']) expect(sizes.everything.code, kernel).toContain(header(kernel));
  });

  it("keeps node:fs out of browser bundles (the file-path destinations import it only when used, in Node)", () => {
    // What bundlers see: the package names no node:fs module (it assembles the name at run time),
    // so they neither bundle it, stub it nor fail on it.
    const dist = readFileSync(join(project, 'node_modules/webgpu-nn/dist/index.js'), 'utf8');
    expect(dist).not.toMatch(/["'`]node:fs/);
    expect(dist).toContain('file paths work in Node only');
    // What the apps ship: no import of it and no stub in its place. (A minifier may fold the
    // assembled name back into the one dynamic import, which runs in Node only.)
    for (const [name, { code }] of Object.entries(sizes)) {
      expect(code, name).not.toMatch(/from\s*["'`](node:)?fs|require\(\s*["'`](node:)?fs|__vite-browser-external/);
    }
  });

  it('grows with what an app uses: softmax only < training < everything', () => {
    expect(sizes.softmax.gzip).toBeLessThan(sizes.training.gzip);
    expect(sizes.training.gzip).toBeLessThanOrEqual(sizes.everything.gzip);
  });
});
