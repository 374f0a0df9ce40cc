/** The adapter profile: the broad kind of adapter that op rules pick kernel variants by. */
import type { AdapterInfo } from './device.js';

/**
 * `'swiftshader'`: Chromium's software adapter, where workgroup barriers are expensive and one
 * invocation per row wins; `'gpu'`: any other adapter (see README "Kernel variants").
 */
export type AdapterProfile = 'swiftshader' | 'gpu';

export function adapterProfile(info: AdapterInfo): AdapterProfile {
  return /swiftshader/i.test(`${info.architecture} ${info.description} ${info.vendor}`) ? 'swiftshader' : 'gpu';
}
