/** Recording an op's kernels into a new output tensor. */
import type { CoreContext } from '../../core-context.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { BufferRange } from '../../gpu/recorder.js';
import { tensorRange } from '../../gpu/tensor-range.js';

/**
 * A new float32 tensor of `shape` that `record` writes (given its range), inside the op's error
 * scope; the tensor is freed again if recording throws.
 */
export function recordInto(ctx: CoreContext, gpu: GpuRuntime, op: string, shape: Shape, record: (out: BufferRange) => void): Tensor<'float32'> {
  return gpu.captured(op, () => {
    const y = ctx.gpuOutput(op, shape);
    try {
      record(tensorRange(y));
    } catch (error) {
      y.destroy();
      throw error;
    }
    return y;
  });
}
