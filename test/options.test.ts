/** The strict-options helper: its message format, suggestions, aliases and refusals. */
import { describe, expect, it } from 'vitest';
import { checkOptions, closestName } from '../src/options';
import { ArgumentError } from '../src/errors';

const schema = { known: ['reduction', 'learningRate', 'batchSize'], aliases: { lr: 'learningRate' }, unsupported: { classWeight: 'class weights are not supported; weight the samples by repeating them' } };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected an ArgumentError');
}

describe('checkOptions', () => {
  it('returns the options, or an empty record for undefined', () => {
    expect(checkOptions('op', { reduction: 'sum' }, schema)).toEqual({ reduction: 'sum' });
    expect(checkOptions('op', undefined, schema)).toEqual({});
  });

  it('refuses an unknown key with a did-you-mean', () => {
    expect(messageOf(() => checkOptions('softmaxCrossEntropy', { reductoin: 'sum' }, schema))).toBe(
      "softmaxCrossEntropy: unknown option 'reductoin' (did you mean 'reduction'?)",
    );
    expect(messageOf(() => checkOptions('fit', { batch_size: 8 }, schema))).toBe("fit: unknown option 'batch_size' (did you mean 'batchSize'?)");
    expect(messageOf(() => checkOptions('fit', { BatchSize: 8 }, schema))).toBe("fit: unknown option 'BatchSize' (did you mean 'batchSize'?)");
  });

  it('lists the known options when nothing is close, and says when there are none', () => {
    expect(messageOf(() => checkOptions('op', { colour: 1 }, schema))).toBe("op: unknown option 'colour' (known options: 'reduction', 'learningRate', 'batchSize')");
    expect(messageOf(() => checkOptions('op', { x: 1 }, { known: [] }))).toBe("op: unknown option 'x' (it takes no options)");
  });

  it("names other libraries' spellings and refuses features that are not offered with a sentence", () => {
    expect(messageOf(() => checkOptions('SGD', { lr: 0.5 }, schema))).toBe("SGD: unknown option 'lr' (webgpu-nn calls it 'learningRate')");
    expect(messageOf(() => checkOptions('fit', { classWeight: {} }, schema))).toBe(
      "fit: unknown option 'classWeight': class weights are not supported; weight the samples by repeating them",
    );
  });

  it('refuses options that are not an object, naming the argument', () => {
    expect(messageOf(() => checkOptions('matmul', 3, schema))).toBe('matmul: options must be an object, got 3');
    expect(messageOf(() => checkOptions('matmul', null, schema))).toBe('matmul: options must be an object, got null');
    expect(messageOf(() => checkOptions('matmul', [1], schema))).toBe('matmul: options must be an object, got an array of length 1');
    expect(messageOf(() => checkOptions('createContext', 'x', schema, 'options.autotune'))).toBe('createContext: options.autotune must be an object, got "x"');
    expect(messageOf(() => checkOptions('createContext', { budget: 1 }, { known: ['budgetMs'] }, 'options.autotune'))).toBe(
      "createContext: unknown option in options.autotune: 'budget' (did you mean 'budgetMs'?)",
    );
    expect(messageOf(() => checkOptions('denseBackward', { dyy: 1 }, { known: ['x', 'dy'] }, 'arguments'))).toBe(
      "denseBackward: unknown argument 'dyy' (did you mean 'dy'?)",
    );
  });
});

describe('closestName', () => {
  it('suggests only names within a third of their letters', () => {
    expect(closestName('reductoin', ['reduction'])).toBe('reduction');
    expect(closestName('axsi', ['axis'])).toBe('axis');
    expect(closestName('activaton', ['activation', 'alpha'])).toBe('activation');
    expect(closestName('zzz', ['axis'])).toBeNull();
  });
});

describe('the cpu references take strict options too', () => {
  it('refuses a misspelt key of cpu.denseBackward and cpu.softmaxCrossEntropy', async () => {
    const { cpu } = await import('../src/index');
    const one = new Float32Array([1]);
    expect(() => cpu.denseBackward({ x: one, xShape: [1, 1], w: one, wShape: [1, 1], y: one, dy: one, hasbias: false } as never)).toThrow(
      "cpu.denseBackward: unknown argument 'hasbias' (did you mean 'hasBias'?)",
    );
    expect(() => cpu.softmaxCrossEntropy(one, new Int32Array([0]), [1, 1], { reduce: 'sum' } as never)).toThrow(/^cpu.softmaxCrossEntropy: unknown option 'reduce'/);
  });
});

describe('op definitions declare the options they check', () => {
  it('each op that takes an options object refuses a key outside its declared schema, listing exactly that schema', async () => {
    const { createCoreContext } = await import('../src/core-context');
    const { matmul, matmulOp } = await import('../src/ops/matmul/definition');
    const { dense, denseOp, denseBackward, denseBackwardOp } = await import('../src/ops/dense/definition');
    const { softmaxCrossEntropy, softmaxCrossEntropyOp } = await import('../src/ops/crossentropy/definition');
    const ctx = await createCoreContext({ backend: 'cpu' });
    const x = ctx.tensor([[1, 2], [3, 4]]);
    const bogus = { zzzzzzzz: 1 } as never;
    const cases = [
      { definition: matmulOp, call: () => matmul(ctx, x, x, bogus) },
      { definition: denseOp, call: () => dense(ctx, x, x, null, bogus) },
      { definition: softmaxCrossEntropyOp, call: () => softmaxCrossEntropy(ctx, x, x, bogus) },
      { definition: denseBackwardOp, call: () => denseBackward(ctx, { x, w: x, y: x, dy: x, ...(bogus as object) }) },
    ];
    for (const { definition, call } of cases) {
      const known = definition.options!.known;
      expect(known.length, definition.name).toBeGreaterThan(0);
      expect(messageOf(call)).toBe(`${definition.name}: unknown ${definition === denseBackwardOp ? 'argument' : 'option'} 'zzzzzzzz' (known options: ${known.map((k) => `'${k}'`).join(', ')})`);
    }
    ctx.destroy();
  });
});
