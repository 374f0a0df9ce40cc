// Part: merges the partials that softmax_split_stats.wgsl wrote for a row, in the same order in
// every invocation of the row (normalize_split_write.wgsl, cross_entropy_split_write.wgsl).
// Reads: the kernel's `partials: array<vec4f>` and `params: Params` (row_split_segment.wgsl), the
//   prelude.
// Defines: RowMerge, mergeRowStats(row).

struct RowMerge {
  // The row's (max, normalizer) over its finite entries.
  stats: vec2f,
  positiveInfinities: u32,
  // 0: no NaN or infinity in the row; 1: some infinity; 2: a NaN.
  flags: f32,
}

fn mergeRowStats(row: u32) -> RowMerge {
  var m = LOWEST_FINITE;
  var sum = 0.0;
  var positiveInfinities = 0.0;
  var flags = 0.0;
  let first = row * params.segments;
  for (var s = first; s < first + params.segments; s++) {
    let p = partials[s];
    let mNew = max(m, p.x);
    sum = sum * exp(max(m - mNew, EXP_FLOOR)) + p.y * exp(max(p.x - mNew, EXP_FLOOR));
    m = mNew;
    positiveInfinities += p.z;
    flags = max(flags, p.w);
  }
  return RowMerge(vec2f(m, sum), u32(positiveInfinities), flags);
}
