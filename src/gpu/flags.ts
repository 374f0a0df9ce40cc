/**
 * WebGPU flag values, spelled out because Node's Dawn binding does not always install the
 * GPUBufferUsage / GPUShaderStage / GPUMapMode globals that browsers have.
 */
export const BUFFER_MAP_READ = 0x0001;
export const BUFFER_COPY_SRC = 0x0004;
export const BUFFER_COPY_DST = 0x0008;
export const BUFFER_UNIFORM = 0x0040;
export const BUFFER_STORAGE = 0x0080;
export const BUFFER_QUERY_RESOLVE = 0x0200;
export const TEXTURE_COPY_DST = 0x02;
export const TEXTURE_BINDING = 0x04;
export const TEXTURE_STORAGE_BINDING = 0x08;
export const SHADER_STAGE_COMPUTE = 0x4;
export const MAP_MODE_READ = 0x0001;
