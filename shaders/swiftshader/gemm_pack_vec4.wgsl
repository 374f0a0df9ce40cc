// gemm_pack.wgsl for operands whose entries come in aligned runs of 4 (src read as vec4s): the
// same texels (gemm_pack_layout.wgsl, appended by the host), from a quarter of the loads.
// The host picks this kernel when the strides allow it (src/ops/matmul/swiftshader.ts), else the scalar
// one. On SwiftShader a vec4 load costs far less than 4 scalar ones (each load is a gather with
// its own per-lane overhead; timings: bench/HISTORY.md, "GEMM operand packing from vec4 loads").
//
// alongK = false: the 4 entries of a texel are contiguous (a line stride of 1): one load a texel.
// alongK = true: each line is contiguous along k (a depth stride of 1): an invocation loads 4
// steps of k of its 4 lines and writes the 4 texels, transposed.
// Every stride, the lines and (alongK) the depth are multiples of 4.

@group(0) @binding(0) var<storage, read> src: array<vec4f>;

override alongK: bool = false;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  // The invocation's (first) texel; with alongK, its 4 texels run along k from there.
  var x: u32;
  var y: u32;
  if (alongK && groupsAlongRows) {
    let blocks = params.width / 4u;
    x = (id % blocks) * 4u;
    y = id / blocks;
  } else if (alongK) {
    x = id % params.width;
    y = (id / params.width) * 4u;
  } else {
    x = id % params.width;
    y = id / params.width;
  }
  if (y >= params.layerRows * params.layers) {
    return;
  }
  let at = texelSource(x, y);
  let first = (at.base + at.line * params.lineStride + at.k * params.depthStride) / 4u;
  if (!alongK) {
    textureStore(dst, vec2u(x, y), src[first]);
    return;
  }
  let lineVecs = params.lineStride / 4u;
  let r0 = src[first];
  let r1 = src[first + lineVecs];
  let r2 = src[first + 2u * lineVecs];
  let r3 = src[first + 3u * lineVecs];
  let step = select(vec2u(0u, 1u), vec2u(1u, 0u), groupsAlongRows);
  let texel = vec2u(x, y);
  textureStore(dst, texel, vec4f(r0.x, r1.x, r2.x, r3.x));
  textureStore(dst, texel + step, vec4f(r0.y, r1.y, r2.y, r3.y));
  textureStore(dst, texel + 2u * step, vec4f(r0.z, r1.z, r2.z, r3.z));
  textureStore(dst, texel + 3u * step, vec4f(r0.w, r1.w, r2.w, r3.w));
}
