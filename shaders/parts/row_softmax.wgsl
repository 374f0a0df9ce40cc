// Part: softmax's rules for one entry of a row, from the row's statistics: every scalar kernel
// that writes softmax, log-softmax, the cross-entropy gradient or the Jacobian from logits takes
// its values from here, so the special-value rules live in one place.
// Reads: the prelude (bit constants, isSpecialBits, fromBits, quietNaN).
// Defines: RowStats (what a pass 1 finds: max and normalizer of the finite entries, the count of
//   +Inf entries, whether a NaN was seen), RowSoftmax and rowSoftmax(stats) (the row's constants,
//   computed once per row), softmaxEntry(v, row) and logSoftmaxEntry(v, row), and their vec4
//   forms softmaxEntry4 and logSoftmaxEntry4.
//
// The rules (docs/numerics.md): any NaN -> the whole row is NaN; +Inf entries share the
// row equally and the rest get 0; -Inf entries get 0, and a row of only -Inf is all zeros.
// log-softmax is the log of each: -log(count of +Inf) on +Inf entries, -Inf where softmax is 0.

struct RowStats {
  // Max of the finite entries (LOWEST_FINITE if none) and the sum of exp(x - max) over them.
  max: f32,
  sum: f32,
  positiveInfinities: u32,
  // The row holds a NaN.
  sawNaN: bool,
}

struct RowSoftmax {
  max: f32,
  invSum: f32,
  logSum: f32,
  positiveInfinities: u32,
  sawNaN: bool,
}

fn rowSoftmax(stats: RowStats) -> RowSoftmax {
  return RowSoftmax(stats.max, 1.0 / stats.sum, log(stats.sum), stats.positiveInfinities, stats.sawNaN);
}

fn softmaxEntry(v: f32, row: RowSoftmax) -> f32 {
  let bits = bitcast<u32>(v);
  if (row.sawNaN) {
    return quietNaN();
  }
  if (row.positiveInfinities > 0u) {
    return select(0.0, 1.0 / f32(row.positiveInfinities), bits == POSITIVE_INFINITY_BITS);
  }
  return select(exp(v - row.max) * row.invSum, 0.0, isSpecialBits(bits));
}

fn logSoftmaxEntry(v: f32, row: RowSoftmax) -> f32 {
  let bits = bitcast<u32>(v);
  if (row.sawNaN) {
    return quietNaN();
  }
  let negativeInfinity = fromBits(NEGATIVE_INFINITY_BITS);
  if (row.positiveInfinities > 0u) {
    return select(negativeInfinity, -log(f32(row.positiveInfinities)), bits == POSITIVE_INFINITY_BITS);
  }
  return select((v - row.max) - row.logSum, negativeInfinity, isSpecialBits(bits));
}

fn softmaxEntry4(v: vec4f, row: RowSoftmax) -> vec4f {
  let bits = bitcast<vec4u>(v);
  if (row.sawNaN) {
    return vec4f(quietNaN());
  }
  if (row.positiveInfinities > 0u) {
    return select(vec4f(0.0), vec4f(1.0 / f32(row.positiveInfinities)), bits == vec4u(POSITIVE_INFINITY_BITS));
  }
  return select(exp(v - row.max) * row.invSum, vec4f(0.0), (bits & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS));
}

fn logSoftmaxEntry4(v: vec4f, row: RowSoftmax) -> vec4f {
  let bits = bitcast<vec4u>(v);
  if (row.sawNaN) {
    return vec4f(quietNaN());
  }
  let negativeInfinity = vec4f(fromBits(NEGATIVE_INFINITY_BITS));
  if (row.positiveInfinities > 0u) {
    return select(negativeInfinity, vec4f(-log(f32(row.positiveInfinities))), bits == vec4u(POSITIVE_INFINITY_BITS));
  }
  return select((v - row.max) - row.logSum, negativeInfinity, (bits & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS));
}
