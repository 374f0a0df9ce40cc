// Bandwidth floor for the benchmarks: copies a buffer as vec4, reading and writing each byte once
// (8 bytes of traffic per f32 element), one vec4 per invocation.

struct Params {
  vecs: u32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 256;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (i < params.vecs) {
    dst[i] = src[i];
  }
}
