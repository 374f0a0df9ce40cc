/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One config for the library build (`npm run build`), the demo/test/bench dev server, and vitest.
export default defineConfig({
  server: { host: '127.0.0.1' },
  build: {
    // The main entry and the lean `webgpu-nn/core`, over the library's modules kept as modules, so
    // that an app's bundler splits them as it needs: a model given a context never loads the main
    // entry's context (the default context imports it on first need).
    lib: { entry: { index: 'src/index.ts', core: 'src/core.ts' }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions: { output: { preserveModules: true, preserveModulesRoot: 'src' } },
    outDir: 'dist',
    target: 'es2022',
    minify: false,
    sourcemap: true,
  },
  test: {
    // vitest's default reporter (each file's duration), plus a line as each file starts.
    reporters: ['./test/reporter.ts'],
    // The GPU tests share one headless Chromium (and SwiftShader's CPU threads): run their files
    // one at a time, in one page whose devices keep what they compiled (test/gpu/page.ts);
    // Node-only tests run in parallel.
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/gpu/**'],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          globalSetup: ['test/gpu/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
