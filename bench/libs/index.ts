/**
 * The libraries webgpu-nn is compared with (TF.js, ONNX Runtime Web). bench/main.ts imports this
 * module dynamically, only in the browser run (`npm run bench`): the Node runner for GPU machines
 * (bench/node-run.mjs) has no page to run them in, and its bundle leaves them out.
 */
export { tf, tfjsImpl, useTfBackend } from './tfjs';
export { ortImpl, ortVersion } from './ort';
export { oneNodeModel } from '../onnx';
