// Vector-Jacobian product of softmax or log-softmax over the last axis (y is the op's output,
// dy the upstream gradient), one invocation per row, vec4 accesses (the host picks this kernel
// when the row length is a multiple of 4). The host appends the op's two passes:
// softmax_vjp_sum.wgsl + softmax_vjp_write.wgsl (dx = y * (dy - <dy, y>), never building J; J is
// symmetric, so this is also the Jacobian-vector product) or log_softmax_vjp_sum.wgsl +
// log_softmax_vjp_write.wgsl (dx = dy - exp(y) * sum(dy)). Traffic: pass 1 reads the row
// (both inputs for softmax, dy for log-softmax), pass 2 reads both and writes dx; the second read
// comes from cache when the rows of a SIMD group fit in it. No barriers: the fast shape on
// SwiftShader.

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Vec4RowParams;

fn runRow(row: u32) {
  let start = row * params.vecsPerRow;
  vjpWrite(start, start + params.vecsPerRow, vjpSum(start, start + params.vecsPerRow));
}
