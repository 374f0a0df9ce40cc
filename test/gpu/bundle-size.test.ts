/**
 * What an app ships: three vite apps built against the packed tarball (as a consumer installs it),
 * measured minified and gzipped: the code a page loads to start (its entry chunk and what that
 * imports statically). The lean entry `webgpu-nn/core` carries only the ops an app imports; the
 * main entry's context carries every op as a method. Models given a context never load the main
 * entry's context (the default context is imported on first need, a lazy chunk reported apart).
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
  training: `import { Sequential, Dense } from 'webgpu-nn';
    import { createContext } from 'webgpu-nn/core';
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
  /** Minified bytes of the chunks loaded only through a dynamic import. */
  lazy: number;
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

/** The files a page loads to start: the entry chunk and, transitively, its static imports. */
function startupFiles(manifest: Record<string, ManifestChunk>): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  Object.keys(manifest)
    .filter((key) => manifest[key].isEntry)
    .forEach(visit);
  return [...files];
}

/**
 * A kernel is in a bundle when its WGSL is: the first line of its file (its header comment, which
 * names no other kernel). Kernels that exist only for SwiftShader live in shaders/swiftshader/,
 * shared parts in shaders/parts/.
 */
function header(kernel: string): string {
  const path = ['shaders', 'shaders/swiftshader', 'shaders/parts'].map((dir) => join(ROOT, dir, `${kernel}.wgsl`)).find((p) => existsSync(p))!;
  return readFileSync(path, 'utf8').split('\n')[0];
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
    await build({ root, configFile: false, logLevel: 'silent', build: { outDir: 'dist', target: 'es2022', manifest: true } });
    const dist = join(root, 'dist');
    const startup = startupFiles(JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8')));
    const code = startup.map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    const lazy = readdirSync(join(dist, 'assets'))
      .filter((f) => f.endsWith('.js') && !startup.includes(`assets/${f}`))
      .reduce((bytes, f) => bytes + readFileSync(join(dist, 'assets', f)).length, 0);
    sizes[name] = { minified: Buffer.byteLength(code), gzip: gzipSync(code).length, code, lazy };
  }
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(Object.entries(sizes).map(([name, s]) => `bundle ${name}: ${kB(s.minified)} minified, ${kB(s.gzip)} gzip (lazy chunks: ${kB(s.lazy)} minified)`).join('\n'));
}, 600_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('app bundles', () => {
  it(`a softmax-only app on webgpu-nn/core ships at most ${SOFTMAX_APP_GZIP_LIMIT / 1024} kB gzip`, () => {
    expect(sizes.softmax.gzip).toBeLessThanOrEqual(SOFTMAX_APP_GZIP_LIMIT);
  });

  it("carries softmax's kernels and none of the other ops'", () => {
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

  it("a training app given a context from webgpu-nn/core starts without the ops training does not use", () => {
    const { code } = sizes.training;
    for (const kernel of ['matmul_tiled', 'train_small', 'optimizer_step', 'cross_entropy_rows', 'vjp_lines']) expect(code, kernel).toContain(header(kernel));
    for (const kernel of ['jacobian_rows', 'jacobian_probs', 'jacobian_block', 'log_softmax_output']) expect(code, kernel).not.toContain(header(kernel));
    expect(sizes.training.lazy).toBeGreaterThan(0);
  });

  it("keeps node:fs out of browser bundles (the file-path destinations import it only when used, in Node)", () => {
    // What bundlers see: the package names no node:fs module (it assembles the name at run time),
    // so they neither bundle it, stub it nor fail on it.
    const distDir = join(project, 'node_modules/webgpu-nn/dist');
    const dist = readdirSync(distDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(distDir, f), 'utf8'))
      .join('\n');
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
