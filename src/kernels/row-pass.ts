/**
 * The rows-vec4 kernels of softmax, logSoftmax and softmaxCrossEntropy share their first pass
 * and row statistics (shaders/row_pass_vec4.wgsl). WGSL has no includes, so the host prepends
 * that code to each kernel's source; module-scope declarations may come in any order in WGSL,
 * so the shared code can read the kernel's `x` binding.
 */
import rowPassWgsl from '../../shaders/row_pass_vec4.wgsl?raw';

export function withRowPass(kernelWgsl: string): string {
  return `${rowPassWgsl}\n${kernelWgsl}`;
}
