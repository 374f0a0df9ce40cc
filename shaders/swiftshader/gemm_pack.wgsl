// Packs a GEMM operand, read through its element strides, into the rgba32float texture that
// gemm_operands_texture.wgsl reads (the layout and parameters: gemm_pack_layout.wgsl, appended by
// the host); entries past the end of a line are 0. One invocation per texel; the cost is about
// that of copying the operand once. Operands in aligned runs of 4 take gemm_pack_vec4.wgsl.

@group(0) @binding(0) var<storage, read> src: array<f32>;

fn entry(base: u32, line: u32, k: u32) -> f32 {
  if (line >= params.lines) {
    return 0.0;
  }
  return src[base + line * params.lineStride + k * params.depthStride];
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  let x = id % params.width;
  let y = id / params.width;
  if (y >= params.layerRows * params.layers) {
    return;
  }
  let at = texelSource(x, y);
  let v = vec4f(entry(at.base, at.line, at.k), entry(at.base, at.line + 1u, at.k),
                entry(at.base, at.line + 2u, at.k), entry(at.base, at.line + 3u, at.k));
  textureStore(dst, vec2u(x, y), v);
}
