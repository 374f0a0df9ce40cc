// The main entry's declarations for TypeScript before 6, whose DOM library has no WebGPU types:
// the exports map sends those compilers here (`types@<6`), and @webgpu/types (a dependency for
// this reference alone) declares GPUDevice, GPUBuffer and the rest. TypeScript 6 and later get
// dist/index.d.ts, since @webgpu/types would redeclare what their DOM library now declares.
/// <reference types="@webgpu/types" preserve="true" />
export * from './index.js';
