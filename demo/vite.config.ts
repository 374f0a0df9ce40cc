import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..');

/** The demo site's pages: one HTML entry each, all at the top of demo/. */
const PAGES = ['index', 'playground', 'softmax', 'xor', 'reverse', 'training', 'bench'] as const;

// The demo site (`npm run demo`, `npm run build:demo`): relative URLs (base './') so that
// dist-demo/ works from any static host under any sub-path; TF.js, ONNX Runtime Web and its wasm
// are bundled into it, so pages make no request outside the site.
export default defineConfig({
  root: here,
  base: './',
  server: { host: '127.0.0.1', fs: { allow: [root] } },
  // TF.js ships CommonJS pieces: the dev server pre-bundles it (the build bundles it anyway).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'] },
  build: {
    outDir: resolve(root, 'dist-demo'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: Object.fromEntries(PAGES.map((p) => [p, resolve(here, `${p}.html`)])),
      // The library's typed errors take their `name` from their class (DeviceLostError, ...),
      // which the pages show: minification must not rename the classes.
      output: { keepNames: true },
    },
  },
});
