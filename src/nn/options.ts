/**
 * The option schemas of the training API, for the strict-options helper (src/options.ts): what
 * each call accepts, the Keras / TF.js spellings it points to, and the features webgpu-nn does
 * not offer, each refused with a sentence instead of being silently ignored.
 */
import type { OptionSchema } from '../options.js';

const REGULARIZER = 'weight regularizers are not supported (webgpu-nn trains without weight penalties)';
const CONSTRAINT = 'weight constraints are not supported';

export const DENSE_CONFIG: OptionSchema = {
  known: ['units', 'inputShape', 'inputDim', 'activation', 'alpha', 'approximate', 'useBias', 'kernelInitializer', 'biasInitializer', 'name'],
  unsupported: {
    kernelRegularizer: REGULARIZER,
    biasRegularizer: REGULARIZER,
    activityRegularizer: 'activity regularizers are not supported',
    kernelConstraint: CONSTRAINT,
    biasConstraint: CONSTRAINT,
    trainable: 'freezing layers is not supported: every Dense layer trains',
    batchInputShape: 'give inputShape: [features] (or inputDim) instead',
  },
};

export const ACTIVATION_CONFIG: OptionSchema = { known: ['activation', 'alpha', 'approximate', 'name'] };

export const DROPOUT_CONFIG: OptionSchema = {
  known: ['rate', 'seed', 'name'],
  unsupported: { noiseShape: 'noiseShape is not supported: Dropout drops each element on its own' },
};

export const INPUT_LAYER_CONFIG: OptionSchema = {
  known: ['inputShape', 'name'],
  unsupported: { batchInputShape: 'give inputShape: [features] instead', batchSize: 'the batch size is set per call, not by the model', sparse: 'sparse inputs are not supported' },
};

export const FLATTEN_CONFIG: OptionSchema = { known: ['name'], unsupported: { dataFormat: 'samples are rows of features; there is no channel axis to order' } };

const OPTIMIZER_UNSUPPORTED = {
  clipnorm: 'gradient clipping is not supported',
  clipvalue: 'gradient clipping is not supported',
  globalClipnorm: 'gradient clipping is not supported',
  decay: 'learning-rate decay is not supported as an optimizer option',
};

export const SGD_CONFIG: OptionSchema = {
  known: ['learningRate', 'momentum', 'nesterov'],
  aliases: { lr: 'learningRate' },
  unsupported: OPTIMIZER_UNSUPPORTED,
};

export const ADAM_CONFIG: OptionSchema = {
  known: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  aliases: { lr: 'learningRate' },
  unsupported: { ...OPTIMIZER_UNSUPPORTED, amsgrad: 'AMSGrad is not supported' },
};

export const RMSPROP_CONFIG: OptionSchema = {
  known: ['learningRate', 'rho', 'momentum', 'epsilon', 'centered'],
  aliases: { lr: 'learningRate' },
  unsupported: OPTIMIZER_UNSUPPORTED,
};

export const ADAGRAD_CONFIG: OptionSchema = {
  known: ['learningRate', 'initialAccumulatorValue', 'epsilon'],
  aliases: { lr: 'learningRate' },
  unsupported: OPTIMIZER_UNSUPPORTED,
};

export const ADAMW_CONFIG: OptionSchema = {
  known: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon'],
  aliases: { lr: 'learningRate' },
  unsupported: { ...OPTIMIZER_UNSUPPORTED, amsgrad: 'AMSGrad is not supported' },
};

/** compile's `loss` in its object form. */
export const LOSS_CONFIG: OptionSchema = { known: ['name', 'fromLogits'], aliases: { from_logits: 'fromLogits' } };

export const COMPILE_OPTIONS: OptionSchema = {
  known: ['loss', 'optimizer', 'metrics', 'seed', 'context'],
  unsupported: {
    lossWeights: 'loss weights are not supported (a Sequential model has one output)',
    weightedMetrics: 'weighted metrics are not supported',
    runEagerly: 'webgpu-nn has no graph mode to leave',
    jitCompile: 'webgpu-nn has no graph mode to compile',
  },
};

export const FIT_OPTIONS: OptionSchema = {
  known: ['epochs', 'batchSize', 'shuffle', 'validationSplit', 'validationData', 'verbose', 'seed', 'callbacks', 'yieldEvery', 'initialEpoch', 'recoverable'],
  unsupported: {
    classWeight: 'class weights are not supported; repeat the samples of a class to weight it',
    sampleWeight: 'sample weights are not supported; repeat a sample to weight it',
    stepsPerEpoch: 'steps per epoch follow from the sample count and batchSize',
    validationSteps: 'validation runs over all held-out samples',
  },
};

/** Callback hooks that fit delivers; other `on*` keys of a callback object are refused. */
export const CALLBACK_HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'] as const;

export const EARLY_STOPPING_CONFIG: OptionSchema = {
  known: ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights'],
  unsupported: {
    verbose: 'EarlyStopping prints nothing; read its stoppedEpoch after fit',
    startFromEpoch: 'startFromEpoch is not supported: EarlyStopping watches from the first epoch',
  },
};

export const REDUCE_LR_CONFIG: OptionSchema = {
  known: ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr'],
  unsupported: { verbose: 'ReduceLROnPlateau prints nothing; read optimizer.learningRate after fit' },
};

/** predict and evaluate: TF.js's batchSize; its other options say what to do instead. */
export const PREDICT_OPTIONS: OptionSchema = {
  known: ['batchSize'],
  unsupported: {
    verbose: 'predict and evaluate print nothing',
    steps: 'predict and evaluate run over all of x',
    sampleWeight: 'sample weights are not supported; repeat a sample to weight it',
  },
};
