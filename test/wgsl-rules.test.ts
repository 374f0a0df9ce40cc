/**
 * One place for each rule of the WGSL: the activation math lives in shaders/parts/activation.wgsl
 * only, and the codes that TypeScript and WGSL share are the TypeScript tables' numbers.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODE } from '../src/nn/activations';

const SHADERS = 'shaders';
const ACTIVATION_PART = join(SHADERS, 'parts', 'activation.wgsl');

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
