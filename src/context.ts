/**
 * The main entry's context: the lean CoreContext (src/core-context.ts) plus every op as a method.
 * Each method delegates to the op's function in src/ops/, the same one `webgpu-nn/core` exports.
 */
import { CoreContext, openBackend, type ContextOptions } from './core-context.js';
import type { Tensor } from './tensor.js';
import { softmax } from './ops/softmax/definition.js';
import { matmul } from './ops/matmul/definition.js';
import { dense, denseBackward, type DenseBackwardArgs, type DenseGradients } from './ops/dense/definition.js';
import type { ActivationInput, DenseOptions, MatmulOptions } from './linalg.js';
import { logSoftmax, logSoftmaxVjp, softmaxVjp } from './ops/rowwise/definition.js';
import { softmaxJacobian, softmaxJacobianFromProbs } from './ops/jacobian/definition.js';
import { softmaxCrossEntropy } from './ops/crossentropy/definition.js';
import type { CrossEntropyOptions, CrossEntropyResult } from './ops/crossentropy/reference.js';

export type { BackendName, ContextOptions, TensorInput, MemoryInfo } from './core-context.js';

/**
 * Creates a context. With the default `backend: 'auto'` it uses WebGPU when an adapter is found
 * (asking it for its largest buffer and binding sizes) and otherwise falls back to the CPU
 * reference, with a console warning and `ctx.fallbackReason` set.
 *
 * @example
 * const ctx = await createContext();
 * console.log(ctx.backend, ctx.adapterInfo); // 'webgpu', { vendor: 'google', architecture: 'swiftshader', ... }
 */
export async function createContext(options: ContextOptions = {}): Promise<Context> {
  return new Context(await openBackend(options));
}

export class Context extends CoreContext {
  /**
   * Softmax along `axis` (default: the last). Max-subtracted with an online normalizer; see the
   * README for how NaN and infinities behave.
   *
   * @example
   * const p = ctx.softmax(ctx.tensor([[1000, 1000], [1, -Infinity]]));
   * await p.read(); // [0.5, 0.5, 1, 0]
   */
  softmax(x: Tensor, axis = -1): Tensor<'float32'> {
    return softmax(this, x, axis);
  }

  /**
   * Matrix product: [M, K] x [K, N] -> [M, N]; batched [batch, M, K] x [batch, K, N] ->
   * [batch, M, N], where a 2-D operand is shared by every batch entry of the other.
   * `transposeA` reads `a` stored as [K, M] and `transposeB` reads `b` stored as [N, K], in the
   * kernel (nothing is transposed in memory). Accumulates in f32.
   *
   * @example
   * const c = ctx.matmul(ctx.tensor([[1, 2], [3, 4]]), ctx.tensor([[5, 6], [7, 8]]));
   * await c.read(); // [19, 22, 43, 50]
   * const g = ctx.matmul(x, x, { transposeA: true });  // x^T x
   */
  matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
    return matmul(this, a, b, options);
  }

  /**
   * A dense layer, act(x w + b), for x [batch, inputs], w [inputs, units], b [units] (optional),
   * activation one of ACTIVATIONS (default 'linear'; 'softmax' row-wise; 'silu' names 'swish'),
   * given by name or as options `{ activation, alpha, approximate }` (alpha: leakyRelu's slope for
   * negative inputs, default 0.2, or elu's scale; approximate: gelu's tanh form). One fused kernel: the bias and the activation are applied as
   * outputs are stored (softmax as a second pass over the rows).
   *
   * @example
   * const y = ctx.dense(ctx.tensor([[0, 1], [1, 1]]), ctx.tensor([[1], [2]]), ctx.tensor([-1]), 'relu');
   * await y.read(); // [1, 2]
   * ctx.dense(x, w, b, { activation: 'leakyRelu', alpha: 0.1 });
   */
  dense(x: Tensor, w: Tensor, b?: Tensor | null, activation: ActivationInput | DenseOptions = 'linear'): Tensor {
    return dense(this, x, w, b, activation);
  }

  /**
   * Gradients of a dense layer from its forward output `y` and `dy` = dL/dy:
   * dz = dy * act'(y) (softmax: y * (dy - <dy, y>) per row), dx = dz w^T, dw = x^T dz,
   * db = column sums of dz (null when `hasBias` is false; default true). gelu and swish are not
   * monotonic, so y does not give their slope: they require the pre-activation `z` = x w + b.
   *
   * @example
   * const y = ctx.dense(x, w, b, 'sigmoid');
   * const { dx, dw, db } = ctx.denseBackward({ x, w, y, dy, activation: 'sigmoid' });
   */
  denseBackward(args: DenseBackwardArgs): DenseGradients {
    return denseBackward(this, args);
  }

  /**
   * Log-softmax along `axis` (default: the last), computed stably as
   * x - max - log(sum(exp(x - max))). A line of only `-Infinity` gives `-Infinity`; NaN and
   * `+Infinity` follow softmax's rules (see notes/derivatives.md).
   *
   * @example
   * const lp = ctx.logSoftmax(ctx.tensor([[0, 0], [0, -Infinity]]));
   * await lp.read(); // [-0.693, -0.693, 0, -Infinity]
   */
  logSoftmax(x: Tensor, axis = -1): Tensor {
    return logSoftmax(this, x, axis);
  }

  /**
   * Backward pass of softmax without building the Jacobian: given s = softmax(x) and dy, the
   * gradient of a loss with respect to s, returns the gradient with respect to x,
   * dx = s * (dy - sum(dy * s)) along `axis`, in one kernel. The Jacobian is symmetric, so this
   * is also the Jacobian-vector product J v (pass v as `dy`).
   *
   * @example
   * const s = ctx.softmax(x);
   * const dx = ctx.softmaxVjp(s, dy);   // == J^T dy per row, J = softmaxJacobian(x)
   */
  softmaxVjp(s: Tensor, dy: Tensor, axis = -1): Tensor {
    return softmaxVjp(this, s, dy, axis);
  }

  /**
   * Backward pass of log-softmax: given logProbs = logSoftmax(x) and dy, the gradient with
   * respect to logProbs, returns dy - exp(logProbs) * sum(dy) along `axis`.
   *
   * @example
   * const lp = ctx.logSoftmax(x);
   * const dx = ctx.logSoftmaxVjp(lp, dy);
   */
  logSoftmaxVjp(logProbs: Tensor, dy: Tensor, axis = -1): Tensor {
    return logSoftmaxVjp(this, logProbs, dy, axis);
  }

  /**
   * The Jacobian of softmax over the last axis, from logits: [..., N] -> [..., N, N] with
   * J[i][j] = s_i * (delta_ij - s_j), i.e. diag(s) - s s^T per row, s = softmax(x) computed in the
   * same kernel. Outputs larger than a storage binding are written in chunks; outputs larger than
   * the device's maxBufferSize throw a SizeLimitError. `axis` must name the last axis (for now).
   *
   * @example
   * const J = ctx.softmaxJacobian(ctx.tensor([0, 0]));
   * await J.read(); // [0.25, -0.25, -0.25, 0.25]  (shape [2, 2])
   */
  softmaxJacobian(x: Tensor, axis = -1): Tensor {
    return softmaxJacobian(this, x, axis);
  }

  /**
   * The Jacobian of softmax from probabilities s (e.g. the output of `softmax`):
   * [..., N] -> [..., N, N] with J[i][j] = s_i * (delta_ij - s_j). Same limits as
   * `softmaxJacobian`.
   *
   * @example
   * const J = ctx.softmaxJacobianFromProbs(ctx.softmax(x));
   */
  softmaxJacobianFromProbs(s: Tensor, axis = -1): Tensor {
    return softmaxJacobianFromProbs(this, s, axis);
  }

  /**
   * Softmax cross-entropy over the last axis, loss and gradient from one fused kernel.
   * `labels` is a float32 tensor of the logits' shape (probability rows or one-hot) or an int32
   * tensor of class indices, one per row (an index out of range throws an ArgumentError).
   * Per row, loss = -sum(labels * logSoftmax(logits)) (= logsumexp(x) - sum(labels * x) for
   * labels that sum to 1), computed without cancellation for logits of +-1e4, and
   * grad = softmax(logits) - labels. `options.reduction`: `'mean'` (default: the loss is the mean
   * over rows, a scalar tensor, and grad is divided by the number of rows), `'sum'`, or `'none'`
   * (one loss per row, shape logits.shape[:-1]).
   *
   * @example
   * const { loss, grad } = ctx.softmaxCrossEntropy(ctx.tensor([[2, 1, 0]]), ctx.tensor(new Int32Array([0])));
   * await loss.read(); // [0.4076]
   */
  softmaxCrossEntropy(logits: Tensor, labels: Tensor, options?: CrossEntropyOptions): CrossEntropyResult<Tensor> {
    return softmaxCrossEntropy(this, logits, labels, options);
  }
}
