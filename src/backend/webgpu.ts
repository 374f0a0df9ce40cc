/** The webgpu backend: tensors are GPU buffers and ops record their kernels into the encoder. */
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Backend } from './backend.js';
import { ArgumentError } from '../errors.js';
import { BUFFER_COPY_SRC } from '../gpu/flags.js';
import { tensorRange } from '../gpu/tensor-range.js';

export function webgpuBackend(gpu: GpuRuntime): Backend {
  let destroyed = false;
  return {
    name: 'webgpu',
    gpu,
    upload: (op, values) => ({ buffer: gpu.upload(op, values), offset: 0, data: null }),
    read: async (requests) => {
      const parts = requests.map(({ tensor: t, elements }) => {
        const range = tensorRange(t);
        if (t.storage!.external && (range.buffer.usage & BUFFER_COPY_SRC) === 0) {
          throw new ArgumentError('read', `the tensor is over an app's buffer ("${range.buffer.label}") whose usage lacks COPY_SRC, which reading it back needs`);
        }
        return { source: range, bytes: elements === undefined ? t.byteLength : elements * 4 };
      });
      const data = await gpu.read('read', parts);
      return data.map((bytes, i) => (requests[i].tensor.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes)));
    },
    release: (storage) => {
      if (storage.external) {
        if (storage.external.own) storage.buffer?.destroy();
      } else if (destroyed || gpu.lostInfo) storage.buffer?.destroy();
      else if (storage.buffer) gpu.pool.release(storage.buffer);
    },
    run: (ctx, def, args) => def.webgpu(ctx, gpu, args),
    captured: (op, fn) => gpu.captured(op, fn),
    submit: () => gpu.recorder.submit(),
    flush: () => gpu.flush(),
    checkAlive: (op) => gpu.checkAlive(op),
    destroy: () => {
      destroyed = true;
      gpu.destroy();
    },
  };
}
