// Bundles the benchmark page code (bench/main.ts, WGSL inlined) into one ESM file that Node can
// run against a WebGPU implementation such as Dawn's `webgpu` package: see bench/node-run.mjs.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: 'bench/main.ts', formats: ['es'], fileName: 'bench' },
    outDir: 'bench/node-bundle',
    target: 'es2022',
    minify: false,
    emptyOutDir: true,
    // TF.js and ONNX Runtime Web run only in the browser bench (bench/libs): left out of the bundle.
    rollupOptions: { external: [/\/bench\/libs\//, /^@tensorflow\//, /^onnxruntime-web/] },
  },
});
