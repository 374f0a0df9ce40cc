/**
 * The training API refuses what it would otherwise ignore: unknown options with a suggestion,
 * Keras / TF.js spellings with a pointer, features it lacks with a sentence (cpu backend).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, Sequential, Dense, Activation, SGD, Adam, ArgumentError, type Context } from '../src/index';

let ctx: Context;
beforeAll(async () => {
  ctx = await createContext({ backend: 'cpu' });
});
afterAll(() => ctx.destroy());

function xorModel() {
  const model = new Sequential([new Dense({ units: 2, inputShape: [2], activation: 'tanh' }), new Dense({ units: 1, activation: 'sigmoid' })]);
  model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.5 }), seed: 1, context: ctx });
  return model;
}
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];

describe('strict options in the training API', () => {
  it.each([
    ['Dense', () => new Dense({ untis: 2 } as never), "Dense: unknown option 'untis' (did you mean 'units'?)"],
    ['Dense', () => new Dense({ units: 2, input_shape: [2] } as never), "Dense: unknown option 'input_shape' (did you mean 'inputShape'?)"],
    ['Dense', () => new Dense({ units: 2, kernelRegularizer: 'l2' } as never), "Dense: unknown option 'kernelRegularizer': weight regularizers are not supported (webgpu-nn trains without weight penalties)"],
    ['Dense', () => new Dense({ units: 2, kernelConstraint: 'maxNorm' } as never), "Dense: unknown option 'kernelConstraint': weight constraints are not supported"],
    ['Dense', () => new Dense({ units: 2, inputDim: 3, inputShape: [3] }), 'Dense: give inputShape or inputDim, not both'],
    ['Activation', () => new Activation({ activation: 'relu', nmae: 'a' } as never), "Activation: unknown option 'nmae' (did you mean 'name'?)"],
    ['SGD', () => new SGD({ lr: 0.5 } as never), "SGD: unknown option 'lr' (webgpu-nn calls it 'learningRate')"],
    ['SGD', () => new SGD({ learning_rate: 0.5 } as never), "SGD: unknown option 'learning_rate' (did you mean 'learningRate'?)"],
    ['SGD', () => new SGD({ clipnorm: 1 } as never), "SGD: unknown option 'clipnorm': gradient clipping is not supported"],
    ['Adam', () => new Adam({ beta_1: 0.8 } as never), "Adam: unknown option 'beta_1' (did you mean 'beta1'?)"],
    ['Adam', () => new Adam({ amsgrad: true } as never), "Adam: unknown option 'amsgrad': AMSGrad is not supported"],
    ['Sequential', () => new Sequential({ layer: [] } as never), "Sequential: unknown option 'layer' (did you mean 'layers'?)"],
    ['compile', () => new Sequential([new Dense({ units: 1, inputShape: [2] })]).compile({ loss: 'mse', optimiser: 'sgd' } as never), "compile: unknown option 'optimiser' (did you mean 'optimizer'?)"],
    ['compile', () => new Sequential([new Dense({ units: 1, inputShape: [2] })]).compile({ loss: 'mse', lossWeights: [1] } as never), "compile: unknown option 'lossWeights': loss weights are not supported (a Sequential model has one output)"],
    ['predict', () => xorModel().predict(X, { verbose: 1 } as never), "predict: unknown option 'verbose': predict and evaluate print nothing"],
    ['summary', () => xorModel().summary({ printfn: () => {} } as never), "summary: unknown option 'printfn' (did you mean 'printFn'?)"],
  ])('%s refuses with an ArgumentError that says why', (_call, fn, message) => {
    expect(fn).toThrow(new ArgumentError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)));
  });

  it.each([
    [{ batch_size: 2 }, "fit: unknown option 'batch_size' (did you mean 'batchSize'?)"],
    [{ epcohs: 2 }, "fit: unknown option 'epcohs' (did you mean 'epochs'?)"],
    [{ classWeight: { 0: 1, 1: 2 } }, "fit: unknown option 'classWeight': class weights are not supported; repeat the samples of a class to weight it"],
    [{ sampleWeight: [1, 1, 1, 1] }, "fit: unknown option 'sampleWeight': sample weights are not supported; repeat a sample to weight it"],
    [{ validationData: [X, Y], validationSplit: 0.5 }, 'fit: give validationSplit or validationData, not both'],
    [{ validationData: [X, Y, [1, 1, 1, 1]] }, 'fit: validationData must be [x, y] (Tensors or arrays), got an array of length 3 (validation sample weights are not supported)'],
    [{ validation_data: [X, Y] }, "fit: unknown option 'validation_data' (did you mean 'validationData'?)"],
    [{ callbacks: { onEpochEnd: () => {}, onEpochBegun: () => {} } }, "fit: callbacks.onEpochBegun is not a hook fit delivers (did you mean 'onEpochBegin'?)"],
    [{ callbacks: { onTrainingEnd: () => {} } }, "fit: callbacks.onTrainingEnd is not a hook fit delivers (did you mean 'onTrainEnd'?)"],
    [{ yieldEvery: 'step' }, "fit: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a positive number of milliseconds, got \"step\""],
    [{ yield_every: 'batch' }, "fit: unknown option 'yield_every' (did you mean 'yieldEvery'?)"],
    [{ callbacks: [{ onEpochEnd: () => {} }, { onBatchEnd: 3 }] }, 'fit: callbacks[1].onBatchEnd must be a function, got 3'],
    [{ callbacks: [5] }, 'fit: callbacks[0] must be an object with hooks such as onEpochEnd, got 5'],
  ])('fit refuses %j', async (options, message) => {
    const model = xorModel();
    await expect(model.fit(X, Y, options as never)).rejects.toThrow(new ArgumentError('fit', message.slice(5)));
    model.dispose();
  });

  it('evaluate refuses options it does not take', async () => {
    const model = xorModel();
    await expect(model.evaluate(X, Y, { batch_size: 2 } as never)).rejects.toThrow("evaluate: unknown option 'batch_size' (did you mean 'batchSize'?)");
    await expect(model.evaluate(X, Y, { sampleWeight: [1, 1, 1, 1] } as never)).rejects.toThrow(/^evaluate: unknown option 'sampleWeight': sample weights are not supported/);
    model.dispose();
  });
});

describe('what TF.js and Keras users write', () => {
  it('accepts inputDim and new Sequential({ layers, name })', () => {
    const model = new Sequential({ layers: [new Dense({ units: 4, inputDim: 2 }), new Dense({ units: 1 })], name: 'tiny' });
    expect(model.name).toBe('tiny');
    expect((model.layers[0] as Dense).inputShape).toEqual([2]);
    expect(model.summary({ print: false })).toMatch(/Total params: 17/);
  });

  it('delivers an array of callbacks in order, class instances with fields of their own included', async () => {
    class Recorder {
      readonly seen: string[] = [];
      readonly label = 'recorder';
      onEpochEnd(epoch: number) {
        this.seen.push(`${this.label} ${epoch}`);
      }
    }
    const order: string[] = [];
    const recorder = new Recorder();
    const model = xorModel();
    await model.fit(X, Y, { epochs: 2, batchSize: 4, callbacks: [{ onEpochEnd: (e) => void order.push(`a ${e}`) }, recorder, { onEpochEnd: async (e) => void order.push(`c ${e}`) }] });
    expect(order).toEqual(['a 0', 'c 0', 'a 1', 'c 1']);
    expect(recorder.seen).toEqual(['recorder 0', 'recorder 1']);
    model.dispose();
  });

  it('summary() prints with console.log by default, or with printFn (positional or { printFn }), and returns the table', () => {
    const model = xorModel();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const text = model.summary();
      expect(log).toHaveBeenCalledWith(text);
      const lines: string[] = [];
      expect(model.summary((t) => lines.push(t))).toBe(text);
      expect(model.summary({ printFn: (t) => lines.push(t) })).toBe(text);
      expect(lines).toEqual([text, text]);
      log.mockClear();
      expect(model.summary({ print: false })).toBe(text);
      expect(log).not.toHaveBeenCalled();
      expect(text).toMatch(/Total params: 9/);
    } finally {
      log.mockRestore();
      model.dispose();
    }
  });
});
