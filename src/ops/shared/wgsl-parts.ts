/**
 * Code that several kernels share. WGSL has no includes, so a shared part lives in a shaders/
 * file of its own and the host appends it to each kernel's source. Module-scope declarations
 * may come in any order in WGSL, so a part can use the kernel's bindings and the kernel can call
 * the part's functions; appending (not prepending) keeps the kernel's directives (`enable`,
 * `diagnostic`) first, where WGSL requires them, and the line numbers in compiler messages about
 * the kernel's own code the same as in its file.
 */
import activationPartWgsl from '../../../shaders/parts/activation.wgsl?raw';
import preludeWgsl from '../../../shaders/parts/prelude.wgsl?raw';
import entryLinesWgsl from '../../../shaders/parts/entry_lines.wgsl?raw';
import entryRowsWgsl from '../../../shaders/parts/entry_rows.wgsl?raw';
import entryWorkgroupRowsWgsl from '../../../shaders/parts/entry_workgroup_rows.wgsl?raw';
import entrySegmentsWgsl from '../../../shaders/swiftshader/entry_segments.wgsl?raw';
import jacobianPartWgsl from '../../../shaders/parts/jacobian.wgsl?raw';
import labelsPartWgsl from '../../../shaders/parts/labels.wgsl?raw';
import rowSoftmaxWgsl from '../../../shaders/parts/row_softmax.wgsl?raw';
import softmaxOutputWgsl from '../../../shaders/parts/softmax_output.wgsl?raw';
import lossesPartWgsl from '../../../shaders/parts/losses.wgsl?raw';
import metricsPartWgsl from '../../../shaders/parts/metrics.wgsl?raw';
import optimizerPartWgsl from '../../../shaders/parts/optimizer.wgsl?raw';
import dropoutPartWgsl from '../../../shaders/parts/dropout.wgsl?raw';
import trainingCodesWgsl from '../../../shaders/parts/training_codes.wgsl?raw';
import crossEntropyWriteVec4Wgsl from '../../../shaders/parts/cross_entropy_write_vec4.wgsl?raw';
import gemmOperandsBufferWgsl from '../../../shaders/swiftshader/gemm_operands_buffer.wgsl?raw';
import gemmOperandsTextureWgsl from '../../../shaders/swiftshader/gemm_operands_texture.wgsl?raw';
import gemmPackLayoutWgsl from '../../../shaders/swiftshader/gemm_pack_layout.wgsl?raw';
import logSoftmaxVjpScalarWgsl from '../../../shaders/parts/log_softmax_vjp_scalar.wgsl?raw';
import logSoftmaxVjpSumWgsl from '../../../shaders/parts/log_softmax_vjp_sum.wgsl?raw';
import logSoftmaxVjpWriteWgsl from '../../../shaders/parts/log_softmax_vjp_write.wgsl?raw';
import logSoftmaxWriteVec4Wgsl from '../../../shaders/parts/log_softmax_write_vec4.wgsl?raw';
import rowPassLinesWgsl from '../../../shaders/parts/row_pass_lines.wgsl?raw';
import rowPassVec4Wgsl from '../../../shaders/parts/row_pass_vec4.wgsl?raw';
import rowPassWorkgroupWgsl from '../../../shaders/parts/row_pass_workgroup.wgsl?raw';
import rowSplitSegmentWgsl from '../../../shaders/swiftshader/row_split_segment.wgsl?raw';
import softmaxSplitMergeWgsl from '../../../shaders/swiftshader/softmax_split_merge.wgsl?raw';
import softmaxVjpScalarWgsl from '../../../shaders/parts/softmax_vjp_scalar.wgsl?raw';
import softmaxVjpSumWgsl from '../../../shaders/parts/softmax_vjp_sum.wgsl?raw';
import softmaxVjpWriteWgsl from '../../../shaders/parts/softmax_vjp_write.wgsl?raw';
import softmaxWriteVec4Wgsl from '../../../shaders/parts/softmax_write_vec4.wgsl?raw';
import trainModelWgsl from '../../../shaders/train_model.wgsl?raw';
import trainRecordsWgsl from '../../../shaders/train_records.wgsl?raw';
import workgroupSumWgsl from '../../../shaders/parts/workgroup_sum.wgsl?raw';

/**
 * The element-wise activations, forward and derivative, and their codes: every kernel that applies
 * an activation appends this part (a test fails on a kernel that spells one itself).
 */
export const ACTIVATION_PART = activationPartWgsl;
/** The codes of losses, label kinds, metrics and optimizers the training kernels switch on. */
export const TRAINING_CODES = trainingCodesWgsl;
/** targetValue / classIndex over the kernel's `labels`, for every label kind (reads TRAINING_CODES). */
export const LABELS = labelsPartWgsl;
/** sampleLoss: every loss and its gradient, over the kernel's accessors (reads LABELS, ACTIVATION_PART). */
export const LOSSES = lossesPartWgsl;
/** sampleMetric: every metric, over the kernel's accessor of the outputs (reads LABELS). */
export const METRICS = metricsPartWgsl;
/** optimizerUpdate: every optimizer's update rule, over the kernel's accessors of parameters and state slots. */
export const OPTIMIZER_PART = optimizerPartWgsl;
/** dropoutFactor: Dropout's mask, the hash the CPU reference writes in TypeScript. */
export const DROPOUT_PART = dropoutPartWgsl;
/** The lanes GEMM's operands (bindings 0 and 1 and their loads): storage buffers or packed textures. */
export const GEMM_OPERANDS_BUFFER = gemmOperandsBufferWgsl;
export const GEMM_OPERANDS_TEXTURE = gemmOperandsTextureWgsl;
/** The texture layout and parameters of the two packing kernels (gemm_pack*.wgsl). */
export const GEMM_PACK_LAYOUT = gemmPackLayoutWgsl;
/**
 * RowStats and softmax's rules for one entry from them (softmaxEntry, logSoftmaxEntry): every
 * scalar kernel that writes softmax, log-softmax, the cross-entropy gradient or the Jacobian.
 */
export const ROW_SOFTMAX = rowSoftmaxWgsl;
/**
 * The entry points of the row-wise kernels, one per way of giving out the work: an invocation
 * per line (runLine), per row (runRow), per rows-split segment (runSegment), or a workgroup per
 * row (runWorkgroupRow). Each finds its item in the folded grid and calls the kernel's function.
 */
export const ENTRY_LINES = entryLinesWgsl;
export const ENTRY_ROWS = entryRowsWgsl;
export const ENTRY_SEGMENTS = entrySegmentsWgsl;
export const ENTRY_WORKGROUP_ROWS = entryWorkgroupRowsWgsl;
/** The Jacobian kernels' parameter blocks and jacobianEntry. */
export const JACOBIAN = jacobianPartWgsl;
/**
 * The op of the shared normalize_* kernels (rowOutput): softmax here; log-softmax's
 * (parts/log_softmax_output.wgsl) is imported by its kernels' module only, so that it stays out
 * of the modules every app loads.
 */
export const SOFTMAX_OUTPUT = softmaxOutputWgsl;
/**
 * Pass 1 of the kernels that reduce a row or a strided line one entry at a time in one invocation,
 * or in lanes (reads ROW_SOFTMAX).
 */
export const ROW_PASS_LINES = rowPassLinesWgsl;
/** Pass 1 and the row statistics of the vec4 softmax, logSoftmax and cross-entropy kernels. */
export const ROW_PASS_VEC4 = rowPassVec4Wgsl;
/**
 * The row statistics (strided pass and tree) of the workgroup-per-row softmax, logSoftmax,
 * cross-entropy and Jacobian kernels (reads ROW_PASS_LINES and ROW_SOFTMAX).
 */
export const ROW_PASS_WORKGROUP = rowPassWorkgroupWgsl;
/** workgroupSum: one value per invocation added over the workgroup by a tree. */
export const WORKGROUP_SUM = workgroupSumWgsl;
/**
 * The op of the shared vec4 normalize kernels (rows-vec4 and the rows-split write), softmax or
 * log-softmax: pass 2 (writeRow, writeCarefulRow), a row or segment written from its statistics.
 */
export const SOFTMAX_WRITE_VEC4 = softmaxWriteVec4Wgsl;
export const LOG_SOFTMAX_WRITE_VEC4 = logSoftmaxWriteVec4Wgsl;
/** Pass 2 of the rows-vec4 and rows-split cross-entropy kernels: a run's gradient and loss. */
export const CROSS_ENTROPY_WRITE_VEC4 = crossEntropyWriteVec4Wgsl;
/** The parameters and segment arithmetic of the rows-split kernels (every row-wise op). */
export const ROW_SPLIT_SEGMENT = rowSplitSegmentWgsl;
/** Pass 2 of the rows-split softmax and logSoftmax: a row's partial statistics merged. */
export const SOFTMAX_SPLIT_MERGE = softmaxSplitMergeWgsl;
/**
 * Each VJP's math for the shared vjp_*.wgsl kernels: its entry functions (vjpTerm, vjpValue) for
 * vjp_lines and vjp_workgroup, and its two vec4 passes (vjpSum over a run of a row, vjpWrite of a
 * run from the row's total) for vjp_rows_vec4 and the rows-split pair.
 */
export const SOFTMAX_VJP_SCALAR = softmaxVjpScalarWgsl;
export const LOG_SOFTMAX_VJP_SCALAR = logSoftmaxVjpScalarWgsl;
export const SOFTMAX_VJP_SUM = softmaxVjpSumWgsl;
export const SOFTMAX_VJP_WRITE = softmaxVjpWriteWgsl;
export const LOG_SOFTMAX_VJP_SUM = logSoftmaxVjpSumWgsl;
export const LOG_SOFTMAX_VJP_WRITE = logSoftmaxVjpWriteWgsl;
/** The model of the fused small-model trainers: bindings, forward pass, the accessors the loss, metric and optimizer parts read. */
export const TRAIN_MODEL = trainModelWgsl;
/** The training records layout (stop flags, last batch, per-epoch sums) the trainers and accumulate_epoch share. */
export const TRAIN_RECORDS = trainRecordsWgsl;

/**
 * The prelude (shaders/parts/prelude.wgsl: grid index, special-value bit tests and constants, the
 * common parameter blocks), which withParts appends to every kernel.
 */
export const PRELUDE = preludeWgsl;

/**
 * `kernelWgsl` with the shared parts it uses and the prelude appended. Declared free of side
 * effects so that bundlers drop the kernel specs (and their WGSL) of ops an app does not use.
 */
/* @__NO_SIDE_EFFECTS__ */
export function withParts(kernelWgsl: string, ...parts: string[]): string {
  return [kernelWgsl, ...parts, PRELUDE].join('\n');
}
