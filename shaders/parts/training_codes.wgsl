// Part: the codes that select a training kernel's rules, as the host passes them in pipeline
// overrides (lossCode, labelKind, metricCode0-3, optimizerCode; check_values' mode is a label kind).
// Reads: nothing.
// Defines: LOSS_*, LABEL_*, METRIC_*, OPT_*: the numbers of LossCode, LabelKind and MetricCode
//   (src/nn/losses.ts) and OptimizerCode (src/nn/optimizers.ts); a test compares them.

const LOSS_MSE = 0u;
const LOSS_BCE = 1u;
const LOSS_CCE = 2u;
const LOSS_SOFTMAX_CE = 3u;
const LOSS_MAE = 4u;
const LOSS_HUBER = 5u;
const LOSS_SIGMOID_CE = 6u;

const LABEL_DENSE = 0u;
const LABEL_INDEX_FLOAT = 1u;
const LABEL_INDEX_INT = 2u;

const METRIC_NONE = 0u;
const METRIC_BINARY = 1u;
const METRIC_CATEGORICAL = 2u;
const METRIC_SPARSE = 3u;
const METRIC_MAE = 4u;
const METRIC_MSE = 5u;

const OPT_SGD = 0u;
const OPT_MOMENTUM = 1u;
const OPT_NESTEROV = 2u;
const OPT_ADAM = 3u;
const OPT_ADAMW = 4u;
const OPT_RMSPROP = 5u;
const OPT_RMSPROP_CENTERED = 6u;
const OPT_ADAGRAD = 7u;
