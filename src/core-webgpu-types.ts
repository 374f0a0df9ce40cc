// webgpu-nn/core's declarations for TypeScript before 6 (see webgpu-types.ts): the exports map
// sends those compilers here, and @webgpu/types declares the WebGPU names the API uses.
/// <reference types="@webgpu/types" preserve="true" />
export * from './core.js';
