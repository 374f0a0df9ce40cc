// Part: what the Jacobian kernels share: their parameter blocks and the entry of J.
// Reads: nothing.
// Defines: JacobianBlockParams (jacobian_block*.wgsl), JacobianRowsParams (jacobian_rows.wgsl,
//   jacobian_probs*.wgsl), jacobianEntry(si, sj, onDiagonal).

struct JacobianBlockParams {
  // Batch rows in the bound output chunk.
  rows: u32,
  // Entries per batch row in the kernel's unit (f32, or vec4 in the vec4 kernels).
  width: u32,
  // Offset, in that unit, of the chunk's first batch row in the bound input range.
  inputStart: u32,
  // Invocations per batch row, and Jacobian rows per invocation (the last one may get fewer).
  parts: u32,
  rowsPerPart: u32,
}

struct JacobianRowsParams {
  // Jacobian rows (jacobian_rows) or output units, f32 or vec4 (jacobian_probs*), in the
  // bound chunk.
  count: u32,
  // Entries per batch row in the kernel's unit.
  width: u32,
  // Row index (within its block) of the chunk's first Jacobian row.
  firstRowInBlock: u32,
  // Offset, in the kernel's unit, of the chunk's first batch row in the bound input range.
  inputStart: u32,
}

// J[i][j] = s_i * (delta_ij - s_j).
fn jacobianEntry(si: f32, sj: f32, onDiagonal: bool) -> f32 {
  return si * (select(0.0, 1.0, onDiagonal) - sj);
}
