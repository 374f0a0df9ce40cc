// Part: the row statistics and pass 1 (fast and careful) of the vec4 row kernels
// (normalize_rows_vec4.wgsl, cross_entropy_rows_vec4.wgsl and the rows-split kernels over a run).
// Reads: the kernel's `x: array<vec4f>`, the prelude.
// Defines: isSpecial(v), mergeLanes(m, s), RowPass and fastRowPass(start, end), CarefulRowPass and
//   carefulRowPass(start, end), SUM_BLOCK.
//
// fastRowPass reads a row once, keeping a running max and normalizer per vec4 lane; it takes the
// max of four vec4s before rescaling, so it costs about one exp per element. The normalizer is
// summed in blocks of SUM_BLOCK vec4s folded into a total, both relative to the running max:
// rounding error then grows with the block length plus the block count, not the row. It also sums
// the row: a NaN or an infinity anywhere makes that sum NaN or infinite (so does a sum of finite
// values that overflows, which merely takes the careful path), and the kernels redo such rows
// with carefulRowPass, which classifies every entry. (One add per vec4, where a bit test per
// vec4 cost three operations; the blocks are a nested loop rather than a modulo test, faster on
// SwiftShader: bench/HISTORY.md.)

const SUM_BLOCK = 64u;

fn isSpecial(v: vec4f) -> vec4<bool> {
  return (bitcast<vec4u>(v) & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS);
}

// Merges the four lanes' (max, normalizer) into the row's.
fn mergeLanes(m: vec4f, s: vec4f) -> vec2f {
  let rowMax = max(max(m.x, m.y), max(m.z, m.w));
  return vec2f(rowMax, dot(s, exp(max(m - rowMax, vec4f(EXP_FLOOR)))));
}

struct RowPass {
  // (max, sum of exp(x - max)) of the row; meaningless when `special` is set.
  stats: vec2f,
  // The row holds a NaN or an infinity (or its sum overflows).
  special: bool,
}

// Pass 1 over the vec4s start .. end of x.
fn fastRowPass(start: u32, end: u32) -> RowPass {
  var m = vec4f(LOWEST_FINITE);
  var s = vec4f(0.0);
  var total = vec4f(0.0);
  var probe = vec4f(0.0);
  var i = start;
  let quadEnd = start + ((end - start) / 4u) * 4u;
  while (i < quadEnd) {
    total += s;
    s = vec4f(0.0);
    let blockEnd = min(i + SUM_BLOCK, quadEnd);
    for (; i < blockEnd; i += 4u) {
      let a = x[i];
      let b = x[i + 1u];
      let c = x[i + 2u];
      let d = x[i + 3u];
      probe += (a + b) + (c + d);
      let mNew = max(m, max(max(a, b), max(c, d)));
      let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
      s = s * rescale + ((exp(a - mNew) + exp(b - mNew)) + (exp(c - mNew) + exp(d - mNew)));
      total = total * rescale;
      m = mNew;
    }
  }
  for (; i < end; i++) {
    let a = x[i];
    probe += a;
    let mNew = max(m, a);
    let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
    s = s * rescale + exp(a - mNew);
    total = total * rescale;
    m = mNew;
  }
  return RowPass(mergeLanes(m, s + total), any(isSpecial(probe)));
}

struct CarefulRowPass {
  // (max, sum of exp(x - max)) over the row's finite entries.
  stats: vec2f,
  positiveInfinities: u32,
  // The row holds a NaN.
  sawNaN: bool,
}

// Pass 1 for a row that holds a NaN or an infinity: classifies every entry, and the statistics
// cover the finite ones.
fn carefulRowPass(start: u32, end: u32) -> CarefulRowPass {
  var m = vec4f(LOWEST_FINITE);
  var s = vec4f(0.0);
  var total = vec4f(0.0);
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var j = start; j < end; j++) {
    if ((j - start) % SUM_BLOCK == 0u) {
      total += s;
      s = vec4f(0.0);
    }
    let v = x[j];
    let bits = bitcast<vec4u>(v);
    let specials = isSpecial(v);
    sawNaN = sawNaN || any(specials & ((bits & vec4u(ABS_BITS)) != vec4u(POSITIVE_INFINITY_BITS)));
    positiveInfinities += dot(select(vec4u(0u), vec4u(1u), bits == vec4u(POSITIVE_INFINITY_BITS)), vec4u(1u));
    let finite = select(v, m, specials);
    let mNew = max(m, finite);
    let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
    s = s * rescale + select(exp(finite - mNew), vec4f(0.0), specials);
    total = total * rescale;
    m = mNew;
  }
  return CarefulRowPass(mergeLanes(m, total + s), positiveInfinities, sawNaN);
}
