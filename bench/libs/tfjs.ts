/**
 * TensorFlow.js impls (`tfjs-webgpu`, `tfjs-cpu`), for comparison only: the library never depends
 * on TF.js. The bench cases pass the TF.js code itself (what a TF.js user would write, e.g.
 * `([x]) => tf.softmax(x)`); this file only times it.
 *
 * - `median_ms` of `tfjs-webgpu`: the `kernelMs` of `tf.time()`, which TF.js's webgpu backend
 *   takes from timestamp queries around each of its dispatches (inputs already on the GPU). Where
 *   the device has no `timestamp-query` TF.js reports 0 there, so the bench reports null instead.
 * - `median_ms` of `tfjs-cpu`: wall time of the op plus `dataSync()` (its kernels run
 *   synchronously in the call).
 * - `roundtrip_ms` of `tfjs-webgpu`: `tf.tensor(...)` upload + op + `await y.data()`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { Impl } from '../harness';

export { tf };
export type TfBackend = 'webgpu' | 'cpu';
type Outputs = tf.Tensor | tf.Tensor[];

function asList(out: Outputs): tf.Tensor[] {
  return Array.isArray(out) ? out : [out];
}

/** Makes `backend` TF.js's active backend (the first call per backend initializes it). */
export async function useTfBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialize its ${backend} backend`);
  await tf.ready();
}
const use = useTfBackend;

function hasTimestampQuery(): boolean {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  return device?.features.has('timestamp-query') ?? false;
}

/**
 * A TF.js impl. `upload` makes the inputs from host arrays (`tf.tensor2d(data, shape)`), `run`
 * is the op as a TF.js user writes it. Inputs made in setup stay resident on the backend.
 */
export async function tfjsImpl(
  backend: TfBackend,
  upload: () => tf.Tensor[],
  run: (inputs: tf.Tensor[]) => Outputs,
): Promise<Impl> {
  await use(backend);
  const resident = upload();
  const impl: Impl = {
    impl: `tfjs-${backend}`,
    async outputs() {
      await use(backend);
      const ys = asList(tf.tidy(() => run(resident)));
      const values = await Promise.all(ys.map((y) => y.data<'float32'>()));
      tf.dispose(ys);
      return [values.map((v) => (v instanceof Float32Array ? v : Float32Array.from(v)))];
    },
    async run() {
      await use(backend);
      if (backend === 'cpu') {
        const t0 = performance.now();
        tf.tidy(() => {
          for (const y of asList(run(resident))) y.dataSync();
        });
        return performance.now() - t0;
      }
      const info = await tf.time(() => {
        tf.tidy(() => run(resident));
      });
      return typeof info.kernelMs === 'number' && hasTimestampQuery() ? info.kernelMs : null;
    },
    dispose() {
      tf.dispose(resident);
    },
  };
  if (backend === 'webgpu') {
    impl.roundtrip = async () => {
      await use(backend);
      const t0 = performance.now();
      const inputs = upload();
      const ys = asList(run(inputs));
      await Promise.all(ys.map((y) => y.data()));
      const ms = performance.now() - t0;
      tf.dispose([...inputs, ...ys]);
      return ms;
    };
  }
  return impl;
}
