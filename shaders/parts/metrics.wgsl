// Part: the per-sample metric (definitions in src/nn/losses.ts), for the epoch accumulator and
// the fused trainers.
// Reads: the override `metricCode` (a METRIC_* code), METRIC_* from training_codes.wgsl,
//   targetValue and classIndex from labels.wgsl, and outputValue(at, j), the kernel's accessor of
//   one sample's outputs starting at `at`.
// Defines: sampleMetric(sample, at, n): 1 right, 0 wrong (binary accuracy: the fraction of the n
//   outputs right).

fn argmaxOutput(at: u32, n: u32) -> u32 {
  var best = 0u;
  for (var j = 1u; j < n; j++) { if (outputValue(at, j) > outputValue(at, best)) { best = j; } }
  return best;
}

fn sampleMetric(sample: u32, at: u32, n: u32) -> f32 {
  switch metricCode {
    case METRIC_BINARY: {
      var right = 0.0;
      for (var j = 0u; j < n; j++) {
        let predicted = select(0.0, 1.0, outputValue(at, j) > 0.5);
        if (predicted == targetValue(sample, j)) { right += 1.0; }
      }
      return right / f32(n);
    }
    case METRIC_CATEGORICAL: {
      var best = 0u;
      for (var j = 1u; j < n; j++) { if (targetValue(sample, j) > targetValue(sample, best)) { best = j; } }
      return select(0.0, 1.0, argmaxOutput(at, n) == best);
    }
    case METRIC_SPARSE: {
      return select(0.0, 1.0, argmaxOutput(at, n) == classIndex(sample));
    }
    default: { return 0.0; }
  }
}
