// Part: the per-sample metrics (definitions in src/nn/losses.ts), for the epoch accumulator and
// the fused trainers: up to four at once, one per component of a vec4.
// Reads: the overrides `metricCode0` to `metricCode3` (METRIC_* codes; METRIC_NONE for an unused
//   component) and `softmaxForMetrics` (1: the outputs are the logits of a softmax output layer
//   whose softmax runs inside the loss, so the metrics read softmax of them), METRIC_* from
//   training_codes.wgsl, targetValue and classIndex from labels.wgsl, and outputValue(at, j), the
//   kernel's accessor of one sample's outputs starting at `at`.
// Defines: sampleMetrics(sample, at, n): the sample's value of each metric (accuracies: 1 right,
//   0 wrong; binary accuracy: the fraction of the n outputs right; mae and mse: the mean over the
//   n outputs).

// The output layer's max and sum of exp(z - max) when softmaxForMetrics is set, else (0, 0).
var<private> metricSoftmax: vec2f;

// Output j as the metrics see it: a probability when the loss took the softmax's logits.
fn metricOutput(at: u32, j: u32) -> f32 {
  if (softmaxForMetrics == 0u) { return outputValue(at, j); }
  return exp(outputValue(at, j) - metricSoftmax.x) / metricSoftmax.y;
}

fn argmaxOutput(at: u32, n: u32) -> u32 {
  var best = 0u;
  for (var j = 1u; j < n; j++) { if (outputValue(at, j) > outputValue(at, best)) { best = j; } }
  return best;
}

fn sampleMetric(code: u32, sample: u32, at: u32, n: u32) -> f32 {
  switch code {
    case METRIC_BINARY: {
      var right = 0.0;
      for (var j = 0u; j < n; j++) {
        let predicted = select(0.0, 1.0, metricOutput(at, j) > 0.5);
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
    case METRIC_MAE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) { sum += abs(metricOutput(at, j) - targetValue(sample, j)); }
      return sum / f32(n);
    }
    case METRIC_MSE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = metricOutput(at, j) - targetValue(sample, j);
        sum += d * d;
      }
      return sum / f32(n);
    }
    default: { return 0.0; }
  }
}

fn sampleMetrics(sample: u32, at: u32, n: u32) -> vec4f {
  if (softmaxForMetrics != 0u) {
    var m = outputValue(at, 0u);
    for (var j = 1u; j < n; j++) { m = max(m, outputValue(at, j)); }
    var sum = 0.0;
    for (var j = 0u; j < n; j++) { sum += exp(outputValue(at, j) - m); }
    metricSoftmax = vec2f(m, sum);
  }
  return vec4f(sampleMetric(metricCode0, sample, at, n), sampleMetric(metricCode1, sample, at, n), sampleMetric(metricCode2, sample, at, n), sampleMetric(metricCode3, sample, at, n));
}
