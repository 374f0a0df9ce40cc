/**
 * Shader code written by a script must be what the script writes today: an edit made by hand to
 * the generated lines (or to the script without running it) fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { SHADER, generatedShader } from '../scripts/generate-matmul-lanes.mjs';

describe('generated WGSL', () => {
  it('matmul_lanes.wgsl holds the accumulation loop scripts/generate-matmul-lanes.mjs writes', () => {
    const source = readFileSync(SHADER as string, 'utf8');
    expect((generatedShader as (s: string) => string)(source)).toBe(source);
  });

  it('finds its markers or says they are missing', () => {
    expect(() => (generatedShader as (s: string) => string)('fn main() {}')).toThrow(/markers are missing/);
  });
});
