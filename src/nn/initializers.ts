/**
 * Weight initializers with Keras's definitions, drawing from the model's seeded generator:
 * - glorotUniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut));
 * - glorotNormal: normal with stddev sqrt(2 / (fanIn + fanOut)), truncated as heNormal is;
 * - heNormal: normal with stddev sqrt(2 / fanIn), truncated at two standard deviations (redrawn
 *   beyond), the stddev divided by 0.8796... so the truncated distribution keeps that variance;
 * - randomNormal: N(0, 0.05^2);
 * - zeros, ones.
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import type { Random } from './random.js';

export type InitializerName = 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'randomNormal' | 'zeros' | 'ones';

const NAMES: Record<string, InitializerName> = {
  glorotUniform: 'glorotUniform',
  glorot_uniform: 'glorotUniform',
  glorotNormal: 'glorotNormal',
  glorot_normal: 'glorotNormal',
  heNormal: 'heNormal',
  he_normal: 'heNormal',
  randomNormal: 'randomNormal',
  random_normal: 'randomNormal',
  zeros: 'zeros',
  ones: 'ones',
};

/** Stddev of a unit normal truncated at +-2, as Keras's VarianceScaling corrects for it. */
const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

export function parseInitializer(op: string, arg: string, value: unknown): InitializerName {
  const name = typeof value === 'string' ? NAMES[value] : undefined;
  if (!name) {
    throw new ArgumentError(op, `${arg} must be one of 'glorotUniform', 'glorotNormal', 'heNormal', 'randomNormal', 'zeros', 'ones', got ${describe(value)}`);
  }
  return name;
}

/** Fills a new array of `size` values; fanIn/fanOut are those of the Dense kernel it belongs to. */
export function initialize(name: InitializerName, size: number, fanIn: number, fanOut: number, random: Random): Float32Array {
  const out = new Float32Array(size);
  switch (name) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
      for (let i = 0; i < size; i++) out[i] = (2 * random.nextFloat() - 1) * limit;
      return out;
    }
    case 'glorotNormal':
    case 'heNormal': {
      const fans = name === 'heNormal' ? fanIn / 2 : (fanIn + fanOut) / 2;
      const stddev = Math.sqrt(1 / Math.max(0.5, fans)) / TRUNCATED_NORMAL_STDDEV;
      for (let i = 0; i < size; i++) {
        let v: number;
        do v = random.nextNormal();
        while (Math.abs(v) > 2);
        out[i] = v * stddev;
      }
      return out;
    }
    case 'randomNormal':
      for (let i = 0; i < size; i++) out[i] = random.nextNormal() * 0.05;
      return out;
  }
}
