// Softmax or log-softmax over the last axis, one invocation per row, rows read as vec4 (the host
// picks this kernel when the row length is a multiple of 4): the op is the appended writeRow and
// writeCarefulRow (softmax_write_vec4.wgsl or log_softmax_write_vec4.wgsl). No barriers and no
// shared memory, so it suits adapters where barriers are slow (SwiftShader) and short rows
// anywhere.
//
// Fast path, taken by rows with no NaN or infinity: pass 1 (fastRowPass, row_pass_vec4.wgsl)
// reads the row once for its max and normalizer; pass 2 (writeRow) reads it again and writes the
// output. Traffic: 12 bytes per element. A row with a NaN or an infinity is redone by the careful
// path (carefulRowPass, writeCarefulRow), which classifies every entry.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Vec4RowParams;

fn runRow(row: u32) {
  let start = row * params.vecsPerRow;
  let end = start + params.vecsPerRow;
  let fast = fastRowPass(start, end);
  if (!fast.special) {
    writeRow(start, end, fast.stats);
    return;
  }
  let careful = carefulRowPass(start, end);
  writeCarefulRow(start, end, careful.stats, careful.positiveInfinities, careful.sawNaN);
}
