/** Errors of saving and loading models, on top of the library's typed errors. */
import { WebGPUNNError } from '../../errors.js';

/**
 * A model file (or artifacts object) is malformed or asks for what webgpu-nn lacks: corrupt JSON,
 * a manifest whose sizes do not add up, a weight shape that does not fit its layer, an
 * unsupported dtype, layer class, activation, regularizer or constraint. The message names the
 * part of the file (`modelTopology.config.layers[2]`, `weightsManifest[0].weights[1]`, ...) and
 * what was expected. Nothing was loaded.
 */
export class ModelFormatError extends WebGPUNNError {
  override readonly name: string = 'ModelFormatError';
}

/**
 * Reading or writing a destination failed: a missing shard or model, an HTTP error, a full
 * localStorage quota, a destination that does not exist where the code runs (a file path in a
 * browser). The message names the destination and the file. Nothing was loaded, and a failed save
 * leaves nothing half-written in the browser stores.
 */
export class ModelIOError extends WebGPUNNError {
  override readonly name: string = 'ModelIOError';
}
