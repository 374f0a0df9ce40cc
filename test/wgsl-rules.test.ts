/**
 * One place for each rule of the WGSL: the activation math lives in shaders/parts/activation.wgsl
 * only, the codes that TypeScript and WGSL share are the TypeScript tables' numbers, and what the
 * prelude (shaders/parts/prelude.wgsl) defines is defined nowhere else.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODE } from '../src/nn/activations';
import { LabelKind, LossCode, MetricCode } from '../src/nn/losses';
import { OptimizerCode } from '../src/nn/optimizers';

const SHADERS = 'shaders';
const ACTIVATION_PART = join(SHADERS, 'parts', 'activation.wgsl');
const PRELUDE = join(SHADERS, 'parts', 'prelude.wgsl');

function wgslFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return wgslFiles(path);
    return name.endsWith('.wgsl') ? [path] : [];
  });
}

/** WGSL without its comments, so that a comment naming the math is not taken for code. */
function code(path: string): string {
  return readFileSync(path, 'utf8').replace(/\/\/.*$/gm, '');
}

/** The ways an activation's forward or derivative can be written out. */
const SPELLINGS: [string, RegExp][] = [
  ['built-in tanh', /\btanh\s*\(/],
  ['a sigmoid', /1(\.0)?f?\s*\/\s*\(\s*1(\.0)?f?\s*\+\s*exp\s*\(/],
  ['exp of -|v|', /exp\s*\(\s*-\s*(2(\.0)?\s*\*\s*)?abs\s*\(/],
  ['a tanh derivative', /1(\.0)?f?\s*-\s*(\w+)\s*\*\s*\2\b/],
  ['a relu', /max\s*\(\s*[\w.[\]+ ]+,\s*(\w+\s*\()?0(\.0)?f?\)?\s*\)/],
  ['a switch on activation codes', /\bcase\s+ACT_(SIGMOID|RELU|TANH|LEAKY_RELU)\b/],
];

/** The activation codes a WGSL source defines (`const ACT_NAME = Nu;`), by TypeScript name. */
function wgslActivationCodes(source: string): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const m of source.matchAll(/const ACT_(\w+)\s*=\s*(\d+)u;/g)) {
    const name = m[1].toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    codes[name] = Number(m[2]);
  }
  return codes;
}

describe('the prelude', () => {
  const defined = [...code(PRELUDE).matchAll(/^(?:const|fn|struct)\s+(\w+)/gm)].map((m) => m[1]);

  it('defines the grid index, the special-value constants and tests, and the shared parameter blocks', () => {
    expect(defined).toEqual(expect.arrayContaining(['gridIndex', 'EXPONENT_BITS', 'QUIET_NAN_BITS', 'quietNaN', 'isNaNBits', 'RowParams', 'LineParams']));
  });

  it('nothing else defines what it defines, or spells out the grid index', () => {
    const offenders: string[] = [];
    for (const path of wgslFiles(SHADERS)) {
      if (path === PRELUDE) continue;
      const source = code(path);
      for (const name of defined) {
        if (new RegExp(`^\\s*(const|fn|struct)\\s+${name}\\b`, 'm').test(source)) offenders.push(`${path}: ${name}`);
      }
      if (/wid\.x\s*\+\s*nwg\.x\s*\*/.test(source)) offenders.push(`${path}: the grid index`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('the training codes', () => {
  const wgsl: Record<string, number> = {};
  for (const m of readFileSync(join(SHADERS, 'parts', 'training_codes.wgsl'), 'utf8').matchAll(/const (\w+)\s*=\s*(\d+)u;/g)) wgsl[m[1]] = Number(m[2]);

  it("are the TypeScript tables' numbers", () => {
    const names: [Record<string, number>, Record<string, string>][] = [
      [LossCode, { MeanSquaredError: 'LOSS_MSE', BinaryCrossentropy: 'LOSS_BCE', CategoricalCrossentropy: 'LOSS_CCE', SoftmaxCrossentropy: 'LOSS_SOFTMAX_CE', MeanAbsoluteError: 'LOSS_MAE', Huber: 'LOSS_HUBER', SigmoidCrossentropy: 'LOSS_SIGMOID_CE' }],
      [LabelKind, { Dense: 'LABEL_DENSE', IndexFloat: 'LABEL_INDEX_FLOAT', IndexInt: 'LABEL_INDEX_INT' }],
      [MetricCode, { None: 'METRIC_NONE', BinaryAccuracy: 'METRIC_BINARY', CategoricalAccuracy: 'METRIC_CATEGORICAL', SparseCategoricalAccuracy: 'METRIC_SPARSE', MeanAbsoluteError: 'METRIC_MAE', MeanSquaredError: 'METRIC_MSE' }],
      [OptimizerCode, { SGD: 'OPT_SGD', Momentum: 'OPT_MOMENTUM', Nesterov: 'OPT_NESTEROV', Adam: 'OPT_ADAM', AdamW: 'OPT_ADAMW', RMSprop: 'OPT_RMSPROP', RMSpropCentered: 'OPT_RMSPROP_CENTERED', Adagrad: 'OPT_ADAGRAD' }],
    ];
    const expected: Record<string, number> = {};
    for (const [table, wgslNames] of names) {
      expect(Object.keys(wgslNames).sort()).toEqual(Object.keys(table).sort());
      for (const [key, name] of Object.entries(wgslNames)) expected[name] = table[key];
    }
    expect(wgsl).toEqual(expected);
  });

  it('the kernels that switch on them name them, never a bare number', () => {
    const kernels = ['loss_rows', 'accumulate_epoch', 'optimizer_step', 'check_values', 'train_model', 'train_small', 'train_small_lanes', 'parts/losses', 'parts/metrics', 'parts/optimizer'];
    const offenders: string[] = [];
    for (const k of kernels) {
      const source = code(join(SHADERS, `${k}.wgsl`));
      for (const m of source.matchAll(/\bcase\s+\d+u?\b|\b(lossCode|labelKind|metricCode|optimizerCode)\s*[=!]=\s*\d/g)) offenders.push(`${k}: ${m[0]}`);
      for (const name of Object.keys(wgsl)) if (new RegExp(`const\\s+${name}\\b`).test(source)) offenders.push(`${k}: defines ${name}`);
    }
    expect(offenders).toEqual([]);
  });
});

describe('activation math in one WGSL part', () => {
  it('no kernel or other part spells an activation itself', () => {
    const offenders: string[] = [];
    for (const path of wgslFiles(SHADERS)) {
      if (path === ACTIVATION_PART) continue;
      const source = code(path);
      for (const [what, pattern] of SPELLINGS) {
        const m = source.match(pattern);
        if (m) offenders.push(`${path}: ${what} (${m[0]})`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the spellings it looks for are found in the part itself (the check can fail)', () => {
    const source = code(ACTIVATION_PART);
    const missing = SPELLINGS.filter(([what, pattern]) => what !== 'built-in tanh' && what !== 'a sigmoid' && !pattern.test(source));
    expect(missing.map(([what]) => what)).toEqual([]);
    expect(SPELLINGS[0][1].test('let t = tanh(v);')).toBe(true);
    expect(SPELLINGS[1][1].test('out = 1.0 / (1.0 + exp(-v));')).toBe(true);
  });

  it("the part's codes are the TypeScript table's", () => {
    expect(wgslActivationCodes(readFileSync(ACTIVATION_PART, 'utf8'))).toEqual(ACTIVATION_CODE);
  });

  it('no other WGSL defines activation codes', () => {
    const others = wgslFiles(SHADERS).filter((p) => p !== ACTIVATION_PART && Object.keys(wgslActivationCodes(readFileSync(p, 'utf8'))).length > 0);
    expect(others).toEqual([]);
  });
});
