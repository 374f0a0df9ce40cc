/** The bad-input table (test/util/bad-inputs.ts) on the cpu backend; test/gpu/bad-inputs.test.ts runs it on webgpu. */
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index';
import { BAD_INPUTS, CONTEXT_CASES, runBadInputs } from './util/bad-inputs';

describe('bad inputs on the cpu backend', () => {
  it('holds at least 100 cases', () => {
    expect(Object.keys(BAD_INPUTS).length + Object.keys(CONTEXT_CASES).length).toBeGreaterThanOrEqual(100);
  });

  it("each fails with the library's error naming the call and the argument, and the context keeps working", async () => {
    const ctx = await nn.createContext({ backend: 'cpu' });
    const other = await nn.createContext({ backend: 'cpu' });
    const failed = (await runBadInputs(nn, ctx, other)).filter((r) => !r.ok);
    expect(failed.map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
    ctx.destroy();
    other.destroy();
  });
});
