// dz = dy * act'(z) element-wise, with act'(z) taken from the activation's output y (sigmoid:
// y (1 - y); relu: 1 where y > 0; tanh: 1 - y^2). Used where the GEMM kernels should read dz once
// instead of forming it in their loads: on SwiftShader every fused load is another per-lane
// gather, repeated for every tile of output columns, and one pass here is cheaper (notes/gemm.md).
// One invocation per 4 elements; traffic 12 bytes per element.

struct Params {
  count: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> dz: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// 1 sigmoid, 2 relu, 3 tanh (as in matmul_lanes.wgsl).
override derivative: u32 = 1;

fn slope(v: f32) -> f32 {
  switch derivative {
    case 1u: { return v * (1.0 - v); }
    case 2u: { return select(0.0, 1.0, v > 0.0); }
    case 3u: { return 1.0 - v * v; }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let first = ((wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid) * 4u;
  let end = min(first + 4u, params.count);
  for (var i = first; i < end; i++) {
    dz[i] = dy[i] * slope(y[i]);
  }
}
