// Part: the per-sample losses and their gradients with respect to the outputs (definitions in
// src/nn/losses.ts), for the layer-wise loss kernel and the fused trainers.
// Reads: the override `lossCode` (a LOSS_* code), LOSS_* from training_codes.wgsl, targetValue
//   from labels.wgsl, activate from activation.wgsl (with `ActValue` = f32), and three accessors the kernel declares over its storage of one sample's
//   outputs starting at `at`: outputValue(at, j), lossGradient(at, j) and
//   setLossGradient(at, j, g).
// Defines: EPSILON, ONE_MINUS_EPSILON, HUBER_DELTA and sampleLoss(sample, at, n), the loss of one
//   sample's n outputs; it leaves dL/d(output j) through setLossGradient (dL/d(logit j) for the
//   losses from logits). The optimizer divides by the batch size.

// Keras's clipping epsilon and 1 - epsilon as f32.
const EPSILON = 1e-7f;
const ONE_MINUS_EPSILON = 0.99999988f;
const HUBER_DELTA = 1.0f;

fn sampleLoss(sample: u32, at: u32, n: u32) -> f32 {
  switch lossCode {
    case LOSS_MSE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = outputValue(at, j) - targetValue(sample, j);
        sum += d * d;
        setLossGradient(at, j, 2.0 * d / f32(n));
      }
      return sum / f32(n);
    }
    case LOSS_MAE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = outputValue(at, j) - targetValue(sample, j);
        sum += abs(d);
        setLossGradient(at, j, sign(d) / f32(n));
      }
      return sum / f32(n);
    }
    case LOSS_HUBER: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = outputValue(at, j) - targetValue(sample, j);
        let a = abs(d);
        sum += select(HUBER_DELTA * (a - 0.5 * HUBER_DELTA), 0.5 * d * d, a <= HUBER_DELTA);
        setLossGradient(at, j, clamp(d, -HUBER_DELTA, HUBER_DELTA) / f32(n));
      }
      return sum / f32(n);
    }
    case LOSS_BCE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let o = outputValue(at, j);
        let p = clamp(o, EPSILON, ONE_MINUS_EPSILON);
        let t = targetValue(sample, j);
        sum -= t * log(p) + (1.0 - t) * log(1.0 - p);
        setLossGradient(at, j, select(0.0, (p - t) / (p * (1.0 - p)) / f32(n), o >= EPSILON && o <= ONE_MINUS_EPSILON));
      }
      return sum / f32(n);
    }
    case LOSS_SIGMOID_CE: {
      // softplus(z) - z t, gradient sigmoid(z) - t: the activation part's overflow-safe forms.
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let z = outputValue(at, j);
        let t = targetValue(sample, j);
        sum += activate(ACT_SOFTPLUS, 0.0, z) - z * t;
        setLossGradient(at, j, (activate(ACT_SIGMOID, 0.0, z) - t) / f32(n));
      }
      return sum / f32(n);
    }
    case LOSS_CCE: {
      var total = 0.0;
      for (var j = 0u; j < n; j++) { total += outputValue(at, j); }
      var l = 0.0;
      var weighted = 0.0;
      for (var j = 0u; j < n; j++) {
        let q = outputValue(at, j) / total;
        let t = targetValue(sample, j);
        l -= t * log(clamp(q, EPSILON, ONE_MINUS_EPSILON));
        let g = select(0.0, -t / q, q >= EPSILON && q <= ONE_MINUS_EPSILON);
        setLossGradient(at, j, g);
        weighted += g * q;
      }
      for (var j = 0u; j < n; j++) { setLossGradient(at, j, (lossGradient(at, j) - weighted) / total); }
      return l;
    }
    default: {
      var m = outputValue(at, 0u);
      for (var j = 1u; j < n; j++) { m = max(m, outputValue(at, j)); }
      var sum = 0.0;
      for (var j = 0u; j < n; j++) { sum += exp(outputValue(at, j) - m); }
      let logSum = m + log(sum);
      var l = 0.0;
      for (var j = 0u; j < n; j++) {
        let z = outputValue(at, j);
        let t = targetValue(sample, j);
        if (t != 0.0) { l -= t * (z - logSum); }
        setLossGradient(at, j, exp(z - m) / sum - t);
      }
      return l;
    }
  }
}
