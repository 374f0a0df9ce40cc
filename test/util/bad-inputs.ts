/**
 * Bad inputs across the public API, as a table shared by the cpu-backend test (Node) and the
 * webgpu one (in the page): each must fail with one of the library's error classes, with a
 * message that names the call and the argument, and leave the context usable (a softmax after
 * each is checked). `runBadInputs` returns one row per case; the tests assert they all passed.
 */
import type * as Library from '../../src/index';

type NN = typeof Library;
type Ctx = Awaited<ReturnType<NN['createContext']>>;
type T = ReturnType<Ctx['tensor']>;

/** Valid tensors the cases misuse. */
export interface Fixtures {
  x: T; // float32 [2, 3]
  w: T; // float32 [3, 4]
  b: T; // float32 [4]
  y: T; // float32 [2, 4]
  labels: T; // int32 [2], values 0 and 2
  scalar: T; // float32 []
  destroyed: T; // destroyed float32 [2, 3]
  foreign: T; // float32 [2, 3] of another context
}

export interface BadInput {
  /** The error class expected, by name. */
  error: string;
  /** What the message must match (it must also start with `<call>: `). */
  message: RegExp;
  call: string;
  run: (nn: NN, ctx: Ctx, f: Fixtures) => unknown;
}

const o = (v: unknown) => v as never;

/** Cases that need a context with fixtures. createContext's own are in CONTEXT_CASES. */
export const BAD_INPUTS: Record<string, BadInput> = {
  // ctx.tensor
  'tensor: shape a number': { call: 'tensor', error: 'ShapeError', message: /shape must be an array of non-negative integers, got 6/, run: (_, c) => c.tensor([1, 2], o(6)) },
  'tensor: shape null': { call: 'tensor', error: 'ShapeError', message: /shape must be an array .*got null/, run: (_, c) => c.tensor([1, 2], o(null)) },
  'tensor: shape a string': { call: 'tensor', error: 'ShapeError', message: /shape must be an array .*got "2"/, run: (_, c) => c.tensor([1, 2], o('2')) },
  'tensor: shape negative': { call: 'tensor', error: 'ShapeError', message: /shape must hold non-negative integers, got -2 at index 0/, run: (_, c) => c.tensor([1, 2], [-2]) },
  'tensor: shape fractional': { call: 'tensor', error: 'ShapeError', message: /got 2\.5 at index 0/, run: (_, c) => c.tensor([1, 2], [2.5]) },
  'tensor: shape NaN': { call: 'tensor', error: 'ShapeError', message: /got NaN at index 1/, run: (_, c) => c.tensor([1, 2], [2, NaN]) },
  'tensor: shape of strings': { call: 'tensor', error: 'ShapeError', message: /got "2" at index 0/, run: (_, c) => c.tensor([1, 2], o(['2'])) },
  'tensor: size mismatch': { call: 'tensor', error: 'ShapeError', message: /data has 3 elements but shape \[2, 2\] needs 4/, run: (_, c) => c.tensor([1, 2, 3], [2, 2]) },
  'tensor: sparse array': { call: 'tensor', error: 'ArgumentError', message: /data\[1\] is a hole/, run: (_, c) => c.tensor(o([1, , 3])) },
  'tensor: sparse rows': { call: 'tensor', error: 'ArgumentError', message: /data\[1\] is a hole/, run: (_, c) => c.tensor(o([[1], , [3]])) },
  'tensor: sparse row entries': { call: 'tensor', error: 'ArgumentError', message: /data\[1\]\[0\] is a hole/, run: (_, c) => c.tensor(o([[1, 2], [, 4]])) },
  'tensor: row not an array': { call: 'tensor', error: 'ShapeError', message: /data is ragged: data\[1\] is 3, not a row of 2 numbers/, run: (_, c) => c.tensor(o([[1, 2], 3])) },
  'tensor: ragged rows': { call: 'tensor', error: 'ShapeError', message: /row 1 has 1 entries, row 0 has 2/, run: (_, c) => c.tensor([[1, 2], [3]]) },
  'tensor: string entry': { call: 'tensor', error: 'ArgumentError', message: /data\[1\] must be a number, got "a"/, run: (_, c) => c.tensor(o([1, 'a'])) },
  'tensor: string in a row': { call: 'tensor', error: 'ArgumentError', message: /data\[0\]\[1\] must be a number, got "x"/, run: (_, c) => c.tensor(o([[1, 'x']])) },
  'tensor: null entry': { call: 'tensor', error: 'ArgumentError', message: /data\[0\] must be a number, got null/, run: (_, c) => c.tensor(o([null])) },
  'tensor: boolean entry': { call: 'tensor', error: 'ArgumentError', message: /data\[0\] must be a number, got boolean/, run: (_, c) => c.tensor(o([true])) },
  'tensor: a string': { call: 'tensor', error: 'ArgumentError', message: /data must be a Float32Array.*got "abc"/, run: (_, c) => c.tensor(o('abc')) },
  'tensor: an object': { call: 'tensor', error: 'ArgumentError', message: /data must be a Float32Array.*got an object/, run: (_, c) => c.tensor(o({})) },
  'tensor: Float64Array': { call: 'tensor', error: 'ArgumentError', message: /data must be a Float32Array.*got a Float64Array of length 3/, run: (_, c) => c.tensor(o(new Float64Array(3))) },
  'tensor: undefined': { call: 'tensor', error: 'ArgumentError', message: /data must be .*got undefined/, run: (_, c) => c.tensor(o(undefined)) },
  'tensor: uint32 over int32': { call: 'tensor', error: 'ArgumentError', message: /data\[0\] = 4294967295 does not fit in int32/, run: (_, c) => c.tensor(new Uint32Array([2 ** 32 - 1])) },
  // softmax and the row-wise ops
  'softmax: not a tensor': { call: 'softmax', error: 'ArgumentError', message: /x must be a Tensor, got an array of length 2/, run: (_, c) => c.softmax(o([1, 2])) },
  'softmax: axis out of range': { call: 'softmax', error: 'ArgumentError', message: /axis 2 is out of range for a tensor of rank 2 \(expected -2\.\.1\)/, run: (_, c, f) => c.softmax(f.x, 2) },
  'softmax: axis fractional': { call: 'softmax', error: 'ArgumentError', message: /axis must be an integer, got 1\.5/, run: (_, c, f) => c.softmax(f.x, 1.5) },
  'softmax: axis a string': { call: 'softmax', error: 'ArgumentError', message: /axis must be an integer, got "1"/, run: (_, c, f) => c.softmax(f.x, o('1')) },
  'softmax: int32 input': { call: 'softmax', error: 'DTypeError', message: /x must be float32, got int32/, run: (_, c, f) => c.softmax(f.labels) },
  'softmax: destroyed input': { call: 'softmax', error: 'TensorDestroyedError', message: /x was destroyed/, run: (_, c, f) => c.softmax(f.destroyed) },
  'softmax: foreign input': { call: 'softmax', error: 'ContextMismatchError', message: /x belongs to another context/, run: (_, c, f) => c.softmax(f.foreign) },
  'softmax: scalar input': { call: 'softmax', error: 'ShapeError', message: /axis -1 is not valid for a scalar/, run: (_, c, f) => c.softmax(f.scalar) },
  'logSoftmax: axis out of range': { call: 'logSoftmax', error: 'ArgumentError', message: /axis -3 is out of range/, run: (_, c, f) => c.logSoftmax(f.x, -3) },
  'logSoftmax: not a tensor': { call: 'logSoftmax', error: 'ArgumentError', message: /x must be a Tensor, got null/, run: (_, c) => c.logSoftmax(o(null)) },
  'logSoftmax: int32 input': { call: 'logSoftmax', error: 'DTypeError', message: /must be float32, got int32/, run: (_, c, f) => c.logSoftmax(f.labels) },
  'softmaxVjp: shapes differ': { call: 'softmaxVjp', error: 'ShapeError', message: /dy/, run: (_, c, f) => c.softmaxVjp(f.x, f.y) },
  'softmaxVjp: dy missing': { call: 'softmaxVjp', error: 'ArgumentError', message: /dy must be a Tensor, got undefined/, run: (_, c, f) => c.softmaxVjp(f.x, o(undefined)) },
  'softmaxVjp: axis out of range': { call: 'softmaxVjp', error: 'ArgumentError', message: /axis 5 is out of range/, run: (_, c, f) => c.softmaxVjp(f.x, f.x, 5) },
  'softmaxVjp: destroyed s': { call: 'softmaxVjp', error: 'TensorDestroyedError', message: /was destroyed/, run: (_, c, f) => c.softmaxVjp(f.destroyed, f.x) },
  'logSoftmaxVjp: shapes differ': { call: 'logSoftmaxVjp', error: 'ShapeError', message: /dy/, run: (_, c, f) => c.logSoftmaxVjp(f.x, f.y) },
  'logSoftmaxVjp: int32 dy': { call: 'logSoftmaxVjp', error: 'DTypeError', message: /must be float32, got int32/, run: (_, c, f) => c.logSoftmaxVjp(f.x, f.labels) },
  'logSoftmaxVjp: foreign dy': { call: 'logSoftmaxVjp', error: 'ContextMismatchError', message: /belongs to another context/, run: (_, c, f) => c.logSoftmaxVjp(f.x, f.foreign) },
  'softmaxJacobian: not the last axis': { call: 'softmaxJacobian', error: 'ArgumentError', message: /axis/, run: (_, c, f) => c.softmaxJacobian(f.x, 0) },
  'softmaxJacobian: not a tensor': { call: 'softmaxJacobian', error: 'ArgumentError', message: /x must be a Tensor, got 3/, run: (_, c) => c.softmaxJacobian(o(3)) },
  'softmaxJacobian: scalar': { call: 'softmaxJacobian', error: 'ShapeError', message: /scalar/, run: (_, c, f) => c.softmaxJacobian(f.scalar) },
  'softmaxJacobianFromProbs: int32': { call: 'softmaxJacobianFromProbs', error: 'DTypeError', message: /must be float32, got int32/, run: (_, c, f) => c.softmaxJacobianFromProbs(f.labels) },
  'softmaxJacobianFromProbs: destroyed': { call: 'softmaxJacobianFromProbs', error: 'TensorDestroyedError', message: /was destroyed/, run: (_, c, f) => c.softmaxJacobianFromProbs(f.destroyed) },
  // softmaxCrossEntropy
  'softmaxCrossEntropy: misspelt option': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /unknown option 'reductoin' \(did you mean 'reduction'\?\)/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, f.labels, o({ reductoin: 'sum' })) },
  'softmaxCrossEntropy: bad reduction': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /options.reduction must be 'none', 'mean' or 'sum', got "avg"/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, f.labels, o({ reduction: 'avg' })) },
  'softmaxCrossEntropy: options not an object': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /options must be an object, got 5/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, f.labels, o(5)) },
  'softmaxCrossEntropy: label out of range': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /labels\[1\] = 3 is out of range for 3 classes/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, c.tensor(new Int32Array([0, 3]))) },
  'softmaxCrossEntropy: negative label': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /labels\[0\] = -1 is out of range/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, c.tensor(new Int32Array([-1, 0]))) },
  'softmaxCrossEntropy: int labels wrong length': { call: 'softmaxCrossEntropy', error: 'ShapeError', message: /labels \(int32 class indices\) must have shape \[2\]/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, c.tensor(new Int32Array([0, 1, 2]))) },
  'softmaxCrossEntropy: float labels wrong shape': { call: 'softmaxCrossEntropy', error: 'ShapeError', message: /labels \(float32\) must have the logits' shape \[2, 3\]/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, f.y) },
  'softmaxCrossEntropy: labels not a tensor': { call: 'softmaxCrossEntropy', error: 'ArgumentError', message: /labels must be a Tensor/, run: (_, c, f) => c.softmaxCrossEntropy(f.x, o([0, 1])) },
  'softmaxCrossEntropy: scalar logits': { call: 'softmaxCrossEntropy', error: 'ShapeError', message: /needs a tensor of rank >= 1 .*got a scalar/, run: (_, c, f) => c.softmaxCrossEntropy(f.scalar, f.labels) },
  // matmul
  'matmul: inner mismatch': { call: 'matmul', error: 'ShapeError', message: /inner dimensions do not match: a \[2, 3\] has 3 columns but b \[2, 4\] has 2 rows/, run: (_, c, f) => c.matmul(f.x, f.y) },
  'matmul: misspelt option': { call: 'matmul', error: 'ArgumentError', message: /unknown option 'transposeB_' \(did you mean 'transposeB'\?\)/, run: (_, c, f) => c.matmul(f.x, f.w, o({ transposeB_: true })) },
  'matmul: Keras-style option': { call: 'matmul', error: 'ArgumentError', message: /unknown option 'transpose_a' \(did you mean 'transposeA'\?\)/, run: (_, c, f) => c.matmul(f.x, f.w, o({ transpose_a: true })) },
  'matmul: transposeA not a boolean': { call: 'matmul', error: 'ArgumentError', message: /transposeA must be a boolean, got "yes"/, run: (_, c, f) => c.matmul(f.x, f.w, o({ transposeA: 'yes' })) },
  'matmul: options not an object': { call: 'matmul', error: 'ArgumentError', message: /options must be an object, got "t"/, run: (_, c, f) => c.matmul(f.x, f.w, o('t')) },
  'matmul: a rank 1': { call: 'matmul', error: 'ShapeError', message: /a must be 2-D \[rows, cols\] or 3-D \[batch, rows, cols\], got shape \[4\]/, run: (_, c, f) => c.matmul(f.b, f.w) },
  'matmul: batch mismatch': { call: 'matmul', error: 'ShapeError', message: /batch sizes do not match/, run: (_, c) => c.matmul(c.tensor(new Float32Array(12), [2, 2, 3]), c.tensor(new Float32Array(18), [3, 3, 2])) },
  'matmul: int32 operand': { call: 'matmul', error: 'DTypeError', message: /must be float32, got int32/, run: (_, c, f) => c.matmul(f.x, c.tensor(new Int32Array(12), [3, 4])) },
  'matmul: b missing': { call: 'matmul', error: 'ArgumentError', message: /b must be a Tensor, got undefined/, run: (_, c, f) => c.matmul(f.x, o(undefined)) },
  'matmul: foreign operand': { call: 'matmul', error: 'ContextMismatchError', message: /belongs to another context/, run: (_, c, f) => c.matmul(f.foreign, f.w) },
  // dense and denseBackward
  'dense: inner mismatch': { call: 'dense', error: 'ShapeError', message: /inner dimensions do not match: x \[2, 3\] has 3 inputs but w \[2, 4\] has 2 rows/, run: (_, c, f) => c.dense(f.x, f.y) },
  'dense: bias shape': { call: 'dense', error: 'ShapeError', message: /b \[2, 3\] must have shape \[4\]/, run: (_, c, f) => c.dense(f.x, f.w, f.x) },
  'dense: unknown activation': { call: 'dense', error: 'ArgumentError', message: /activation must be one of .*got "swsh"/, run: (_, c, f) => c.dense(f.x, f.w, f.b, o('swsh')) },
  'dense: activation a number': { call: 'dense', error: 'ArgumentError', message: /activation .*got 5/, run: (_, c, f) => c.dense(f.x, f.w, f.b, o(5)) },
  'dense: x rank 1': { call: 'dense', error: 'ShapeError', message: /x must be 2-D \[batch, inputs\], got shape \[4\]/, run: (_, c, f) => c.dense(f.b, f.w) },
  'dense: w rank 1': { call: 'dense', error: 'ShapeError', message: /w must be 2-D \[inputs, units\], got shape \[4\]/, run: (_, c, f) => c.dense(f.x, f.b) },
  'dense: bias not a tensor': { call: 'dense', error: 'ArgumentError', message: /b must be a Tensor/, run: (_, c, f) => c.dense(f.x, f.w, o([1, 2, 3, 4])) },
  'dense: misspelt option': { call: 'dense', error: 'ArgumentError', message: /unknown option 'activaton' \(did you mean 'activation'\?\)/, run: (_, c, f) => c.dense(f.x, f.w, f.b, o({ activaton: 'relu' })) },
  'dense: alpha without leakyRelu': { call: 'dense', error: 'ArgumentError', message: /alpha/, run: (_, c, f) => c.dense(f.x, f.w, f.b, o({ activation: 'relu', alpha: 0.1 })) },
  'dense: int32 weights': { call: 'dense', error: 'DTypeError', message: /must be float32, got int32/, run: (_, c, f) => c.dense(f.x, c.tensor(new Int32Array(12), [3, 4])) },
  'denseBackward: not an object': { call: 'denseBackward', error: 'ArgumentError', message: /arguments must be an object/, run: (_, c) => c.denseBackward(o(5)) },
  'denseBackward: misspelt key': { call: 'denseBackward', error: 'ArgumentError', message: /unknown argument 'activaton' \(did you mean 'activation'\?\)/, run: (_, c, f) => c.denseBackward(o({ x: f.x, w: f.w, y: f.y, dy: f.y, activaton: 'relu' })) },
  'denseBackward: dy missing': { call: 'denseBackward', error: 'ArgumentError', message: /dy must be a Tensor, got undefined/, run: (_, c, f) => c.denseBackward(o({ x: f.x, w: f.w, y: f.y })) },
  'denseBackward: dy shape': { call: 'denseBackward', error: 'ShapeError', message: /dy \[2, 3\] must have the shape of y \[2, 4\]/, run: (_, c, f) => c.denseBackward({ x: f.x, w: f.w, y: f.y, dy: f.x }) },
  'denseBackward: y shape': { call: 'denseBackward', error: 'ShapeError', message: /y \[2, 3\] must have shape \[2, 4\]/, run: (_, c, f) => c.denseBackward({ x: f.x, w: f.w, y: f.x, dy: f.y }) },
  'denseBackward: hasBias not a boolean': { call: 'denseBackward', error: 'ArgumentError', message: /hasBias must be a boolean, got "yes"/, run: (_, c, f) => c.denseBackward(o({ x: f.x, w: f.w, y: f.y, dy: f.y, hasBias: 'yes' })) },
  'denseBackward: unknown activation': { call: 'denseBackward', error: 'ArgumentError', message: /activation must be one of .*got "gelu2"/, run: (_, c, f) => c.denseBackward(o({ x: f.x, w: f.w, y: f.y, dy: f.y, activation: 'gelu2' })) },
  'denseBackward: destroyed x': { call: 'denseBackward', error: 'TensorDestroyedError', message: /x was destroyed/, run: (_, c, f) => c.denseBackward({ x: f.destroyed, w: f.w, y: f.y, dy: f.y }) },
  // context utilities
  'tidy: not a function': { call: 'tidy', error: 'ArgumentError', message: /fn must be a function, got 5/, run: (_, c) => c.tidy(o(5)) },
  'tidy: returns a promise': { call: 'tidy', error: 'ArgumentError', message: /fn returned a Promise/, run: (_, c) => c.tidy(o(async () => 1)) },
  'kernelVariants: unknown op': { call: 'kernelVariants', error: 'ArgumentError', message: /unknown op "sofmax"/, run: (_, c) => c.kernelVariants('sofmax') },
  'setKernelVariant: unknown variant': { call: 'setKernelVariant', error: 'ArgumentError', message: /variant "fast" is not one of softmax's/, run: (_, c) => c.setKernelVariant('softmax', 'fast') },
  'setKernelVariant: unknown op': { call: 'kernelVariants', error: 'ArgumentError', message: /unknown op "nope"/, run: (_, c) => c.setKernelVariant('nope', 'auto') },
  // the training API
  'Dense: units zero': { call: 'Dense', error: 'ArgumentError', message: /units/, run: (nn) => new nn.Dense({ units: 0 }) },
  'Dense: units a string': { call: 'Dense', error: 'ArgumentError', message: /units/, run: (nn) => new nn.Dense(o({ units: 'four' })) },
  'Dense: unknown activation': { call: 'Dense', error: 'ArgumentError', message: /activation/, run: (nn) => new nn.Dense(o({ units: 2, activation: 'swsh' })) },
  'Dense: bad inputShape': { call: 'Dense', error: 'ArgumentError', message: /inputShape/, run: (nn) => new nn.Dense(o({ units: 2, inputShape: [0] })) },
  'Activation: unknown': { call: 'Activation', error: 'ArgumentError', message: /activation/, run: (nn) => new nn.Activation(o('swsh')) },
  'SGD: negative learning rate': { call: 'SGD', error: 'ArgumentError', message: /learningRate/, run: (nn) => new nn.SGD({ learningRate: -1 }) },
  'SGD: momentum a string': { call: 'SGD', error: 'ArgumentError', message: /momentum/, run: (nn) => new nn.SGD(o({ momentum: 'high' })) },
  'Adam: beta1 of 1': { call: 'Adam', error: 'ArgumentError', message: /beta1/, run: (nn) => new nn.Adam({ beta1: 1 }) },
  'Adam: epsilon negative': { call: 'Adam', error: 'ArgumentError', message: /epsilon/, run: (nn) => new nn.Adam({ epsilon: -1 }) },
  'compile: unknown loss': { call: 'compile', error: 'ArgumentError', message: /loss/, run: (nn, c) => new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]).compile(o({ loss: 'hinge2', optimizer: 'sgd', context: c })) },
  'compile: unknown optimizer': { call: 'compile', error: 'ArgumentError', message: /optimizer/, run: (nn, c) => new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]).compile(o({ loss: 'mse', optimizer: 'sgdd', context: c })) },
  'compile: unknown metric': { call: 'compile', error: 'ArgumentError', message: /metric/, run: (nn, c) => new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]).compile(o({ loss: 'mse', optimizer: 'sgd', metrics: ['precision'], context: c })) },
  'predict: before compile or build': { call: 'predict', error: 'ModelStateError', message: /./, run: (nn) => new nn.Sequential([new nn.Dense({ units: 1 })]).predict([[1, 2]]) },
  'predict: wrong width': { call: 'predict', error: 'ShapeError', message: /./, run: (nn, c) => {
    const m = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]);
    m.compile({ loss: 'mse', optimizer: 'sgd', context: c });
    try {
      return m.predict([[1, 2, 3]]);
    } finally {
      m.dispose();
    }
  } },
};

/** createContext's bad options (each a separate, rejected call). */
export const CONTEXT_CASES: Record<string, { message: RegExp; options: unknown }> = {
  'options a number': { message: /options must be an object, got 5/, options: 5 },
  'options an array': { message: /options must be an object, got an array of length 0/, options: [] },
  'unknown backend': { message: /options.backend must be 'auto', 'webgpu' or 'cpu', got "gpu"/, options: { backend: 'gpu' } },
  'misspelt key': { message: /unknown option 'backnd' \(did you mean 'backend'\?\)/, options: { backnd: 'cpu' } },
  'Keras-style key': { message: /unknown option 'require_hardware' \(did you mean 'requireHardware'\?\)/, options: { require_hardware: true } },
  'device an empty object': { message: /options.device must be a GPUDevice .*got an object \(Object\)/, options: { backend: 'webgpu', device: {} } },
  'device with auto': { message: /options.device must be a GPUDevice/, options: { device: {} } },
  'device a string': { message: /options.device must be a GPUDevice .*got "gpu0"/, options: { device: 'gpu0' } },
  'gpu an empty object': { message: /options.gpu must be a WebGPU GPU object with requestAdapter\(\).*got an object \(Object\)/, options: { backend: 'webgpu', gpu: {} } },
  'gpu with auto': { message: /options.gpu must be a WebGPU GPU object/, options: { gpu: {} } },
  'gpu a number': { message: /options.gpu must be .*got 5/, options: { gpu: 5 } },
  'requireHardware a string': { message: /options.requireHardware must be true or false, got "yes"/, options: { requireHardware: 'yes' } },
  'poolBytes negative': { message: /options.poolBytes must be a non-negative integer number of bytes, got -1/, options: { poolBytes: -1 } },
  'poolBytes fractional': { message: /options.poolBytes must be .*got 1\.5/, options: { poolBytes: 1.5 } },
  'autotune a string': { message: /options.autotune must be a boolean or an object, got "yes"/, options: { autotune: 'yes' } },
  'autotune budget negative': { message: /options.autotune.budgetMs must be a non-negative number, got -1/, options: { autotune: { budgetMs: -1 } } },
  'autotune misspelt key': { message: /unknown option in options.autotune: 'budget' \(did you mean 'budgetMs'\?\)/, options: { autotune: { budget: 5 } } },
  'autotune storage without methods': { message: /options.autotune.storage must have getItem and setItem/, options: { autotune: { storage: {} } } },
};

export interface BadInputResult {
  name: string;
  ok: boolean;
  detail: string;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `a non-Error ${String(e)}`;
}

/**
 * Runs every case on `ctx` (with `other`, a second context, for the foreign tensor) and, after
 * each, a softmax on the same context whose values are checked: a failed call must leave the
 * context working.
 */
export async function runBadInputs(nn: NN, ctx: Ctx, other: Ctx): Promise<BadInputResult[]> {
  const results: BadInputResult[] = [];
  const destroyed = ctx.tensor(new Float32Array(6), [2, 3]);
  destroyed.destroy();
  const f: Fixtures = {
    x: ctx.tensor([[1, 2, 3], [4, 5, 6]]),
    w: ctx.tensor(new Float32Array(12).fill(0.5), [3, 4]),
    b: ctx.tensor(new Float32Array(4)),
    y: ctx.tensor(new Float32Array(8), [2, 4]),
    labels: ctx.tensor(new Int32Array([0, 2])),
    scalar: ctx.tensor(new Float32Array([1]), []),
    destroyed,
    foreign: other.tensor([[1, 2, 3], [4, 5, 6]]),
  };
  const check = ctx.tensor([[0, Math.log(3)]]);
  for (const [name, c] of Object.entries(BAD_INPUTS)) {
    let detail = '';
    try {
      const out = c.run(nn, ctx, f);
      detail = `no error (returned ${out === undefined ? 'undefined' : typeof out})`;
    } catch (e) {
      const err = e as Error;
      const isLibrary = e instanceof nn.WebGPUNNError;
      if (!isLibrary || err.name !== c.error) detail = `expected ${c.error}, got ${describeError(e)}`;
      else if (!err.message.startsWith(`${c.call}: `)) detail = `message does not name the call ${c.call}: ${err.message}`;
      else if (!c.message.test(err.message)) detail = `message does not match ${c.message}: ${err.message}`;
    }
    const after = await ctx.softmax(check).read().then(
      (p) => (Math.abs(p[0] - 0.25) < 1e-6 && Math.abs(p[1] - 0.75) < 1e-6 ? '' : `softmax after it gave ${Array.from(p)}`),
      (e) => `softmax after it failed: ${describeError(e)}`,
    );
    results.push({ name, ok: detail === '' && after === '', detail: [detail, after].filter(Boolean).join('; ') });
  }
  for (const [name, c] of Object.entries(CONTEXT_CASES)) {
    const detail = await nn.createContext(c.options as never).then(
      (made) => (made.destroy(), 'no error'),
      (e: Error) => (e instanceof nn.ArgumentError ? (e.message.startsWith('createContext: ') && c.message.test(e.message) ? '' : `message: ${e.message}`) : `expected ArgumentError, got ${describeError(e)}`),
    );
    results.push({ name: `createContext: ${name}`, ok: detail === '', detail });
  }
  return results;
}
