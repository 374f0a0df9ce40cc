/**
 * ONNX Runtime Web impl (`ort-webgpu`: its WebGPU execution provider), for comparison only: the
 * library never depends on it. Each row runs a one-node ONNX model that the bench builds itself
 * (bench/onnx.ts).
 *
 * - `median_ms`: wall time of `session.run` with the inputs already in GPU buffers
 *   (`Tensor.fromGpuBuffer`) and the outputs left there (`preferredOutputLocation: 'gpu-buffer'`),
 *   until ORT's device queue is idle (`onSubmittedWorkDone`). ORT Web 1.30's WebGPU provider gives
 *   a page no per-run device time (`env.webgpu.profiling` delivered no data here), so this is the
 *   closest measure: it includes ORT's JS/wasm dispatch overhead (about 3 ms per run here).
 * - `roundtrip_ms`: plain `session.run` on a CPU tensor, output read back to the CPU.
 *
 * - `variant`: 'webgpu-ep', or 'cpu-ep-fallback' where ORT runs the node on its CPU EP (wasm)
 *   because its WebGPU EP lacks it; the timings are then of that.
 *
 * The wasm file is an asset of the page's bundle (the dev server serves it from node_modules, the
 * demo site's build copies it): no CDN, works offline. The `webgpu` bundle of ONNX Runtime Web
 * carries its JS glue and loads only this wasm.
 */
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Impl } from '../harness';

ort.env.wasm.wasmPaths = { wasm: wasmUrl };

/** The ONNX Runtime Web version in use (the bench page's JSON records it). */
export const ortVersion: string = ort.env.versions.web ?? 'unknown';
ort.env.logLevel = 'error';

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;

export interface OrtInput {
  data: Float32Array;
  dims: number[];
}

/** An ONNX Runtime Web (WebGPU EP) impl of `model` fed `inputs` by name. */
export async function ortImpl(model: Uint8Array, inputs: Record<string, OrtInput>): Promise<Impl> {
  // ORT silently runs nodes its WebGPU EP lacks (LogSoftmax in 1.30) on its CPU EP (wasm). Ask
  // for WebGPU only first, to report that in the `variant` field.
  let variant = 'webgpu-ep';
  try {
    const probe = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], logSeverityLevel: 4, extra: { session: { disable_cpu_ep_fallback: '1' } } });
    await probe.release();
  } catch {
    variant = 'cpu-ep-fallback';
  }
  const resident = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
  const plain = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
  const device = (await ort.env.webgpu.device) as GPUDevice;
  const buffers: GPUBuffer[] = [];
  const gpuFeeds: Record<string, ort.Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(inputs)) {
    const buffer = device.createBuffer({ label: `bench ort ${name}`, size: Math.ceil(data.byteLength / 16) * 16, usage: STORAGE | COPY_SRC | COPY_DST });
    device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    buffers.push(buffer);
    gpuFeeds[name] = ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims });
  }
  const cpuFeeds = () => Object.fromEntries(Object.entries(inputs).map(([name, { data, dims }]) => [name, new ort.Tensor('float32', data, dims)]));

  return {
    impl: 'ort-webgpu',
    variant: () => variant,
    async outputs() {
      const onGpu = await resident.run(gpuFeeds);
      const gpuValues: Float32Array[] = [];
      for (const name of resident.outputNames) {
        gpuValues.push((await onGpu[name].getData(true)) as Float32Array);
      }
      const onCpu = await plain.run(cpuFeeds());
      return [gpuValues, plain.outputNames.map((name) => onCpu[name].data as Float32Array)];
    },
    async run() {
      const t0 = performance.now();
      const out = await resident.run(gpuFeeds);
      await device.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      for (const t of Object.values(out)) t.dispose();
      return ms;
    },
    async roundtrip() {
      const t0 = performance.now();
      const out = await plain.run(cpuFeeds());
      for (const name of plain.outputNames) await out[name].getData();
      return performance.now() - t0;
    },
    async dispose() {
      await resident.release();
      await plain.release();
      for (const b of buffers) b.destroy();
    },
  };
}
