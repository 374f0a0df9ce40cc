/**
 * createContext's options, checked in one place: unknown keys, the backend name, and objects
 * that must be a WebGPU `GPUDevice` or `GPU`. Those are checked by duck typing, since Node's
 * WebGPU bindings (Dawn's `webgpu` package) make objects that fail `instanceof`.
 */
import { ArgumentError } from './errors.js';
import { checkOptions } from './options.js';
import { describe } from './shape.js';

export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface CheckedContextOptions {
  backend: BackendChoice;
  /** The caller's device, or null. */
  device: GPUDevice | null;
  /** The caller's `GPU`, or undefined for `navigator.gpu`. */
  gpu: GPU | undefined;
  requireHardware: boolean;
  /** The buffer pool's cap on idle memory in bytes, or undefined for the default. */
  poolBytes: number | undefined;
}

const OPTIONS = { known: ['backend', 'device', 'gpu', 'autotune', 'requireHardware', 'poolBytes'] };

const isFunction = (v: unknown): boolean => typeof v === 'function';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Checks every createContext option except `autotune` (the autotuner checks its own). */
export function checkContextOptions(options: unknown): CheckedContextOptions {
  const op = 'createContext';
  const o = checkOptions(op, options, OPTIONS);
  const backend = o.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'cpu') {
    throw new ArgumentError(op, `options.backend must be 'auto', 'webgpu' or 'cpu', got ${describe(backend)}`);
  }
  const device = o.device ?? null;
  if (device !== null) {
    const d = device as Record<string, unknown>;
    if (!isObject(device) || !isFunction(d.createBuffer) || !isFunction(d.createComputePipeline) || !isObject(d.queue) || !isObject(d.limits) || !isFunction((d.lost as { then?: unknown } | undefined)?.then)) {
      throw new ArgumentError(op, `options.device must be a GPUDevice (from adapter.requestDevice()), got ${describe(device)}`);
    }
  }
  const gpu = o.gpu;
  if (gpu !== undefined && (!isObject(gpu) || !isFunction(gpu.requestAdapter))) {
    throw new ArgumentError(op, `options.gpu must be a WebGPU GPU object with requestAdapter() (navigator.gpu, or the webgpu package's create() in Node), got ${describe(gpu)}`);
  }
  const requireHardware = o.requireHardware ?? false;
  if (typeof requireHardware !== 'boolean') {
    throw new ArgumentError(op, `options.requireHardware must be true or false, got ${describe(requireHardware)}`);
  }
  const poolBytes = o.poolBytes;
  if (poolBytes !== undefined && !(typeof poolBytes === 'number' && Number.isSafeInteger(poolBytes) && poolBytes >= 0)) {
    throw new ArgumentError(op, `options.poolBytes must be a non-negative integer number of bytes, got ${describe(poolBytes)}`);
  }
  return { backend, device: device as GPUDevice | null, gpu: gpu as GPU | undefined, requireHardware, poolBytes };
}
