// Part: the element-wise activations, forward and derivative. Every kernel that applies an
// activation appends this part (src/ops/shared/wgsl-parts.ts) instead of spelling the math itself.
// Reads: `ActValue`, an alias the kernel declares (`alias ActValue = f32;` or `= vec4f;`), so one
//   text serves scalar and vec4 kernels.
// Defines: the codes ACT_* (the TypeScript table ACTIVATION_CODE in src/ops/dense/activation.ts
//   holds the same numbers, checked by a test), activate(code, alpha, v) and
//   activationSlope(code, alpha, y).
// `code` and `alpha` are pipeline overrides at every call site, so the switch is resolved when the
// pipeline is compiled (SwiftShader runs every arm of a switch on a run-time value).
// `alpha` is leakyRelu's slope for negative inputs, elu's scale of them, and gelu's form (1: the
// tanh approximation, 0: exact through erf); the other activations ignore it.

const ACT_LINEAR = 0u;
const ACT_SIGMOID = 1u;
const ACT_RELU = 2u;
const ACT_TANH = 3u;
// Softmax is row-wise, not element-wise: its code is reserved here and the kernels that fuse it
// (the trainers) write it themselves.
const ACT_SOFTMAX = 4u;
const ACT_LEAKY_RELU = 5u;
const ACT_ELU = 6u;
const ACT_SOFTPLUS = 7u;
const ACT_GELU = 8u;
const ACT_SWISH = 9u;

// gelu's constants: sqrt(1/2), sqrt(2/pi), the tanh form's cubic coefficient, 1/sqrt(2 pi).
const SQRT_HALF = 0.70710678118654752;
const SQRT_2_OVER_PI = 0.79788456080286536;
const GELU_CUBIC = 0.044715;
const INV_SQRT_2PI = 0.39894228040143268;

// erfc(u) for u >= 0 (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7): a polynomial
// in 1 / (1 + p u) times exp(-u^2), which underflows to 0 rather than overflowing.
fn erfcNonNegative(u: ActValue) -> ActValue {
  let t = 1.0 / (1.0 + 0.3275911 * u);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return poly * exp(-u * u);
}

// Phi(v), the standard normal CDF: erfc of |v| / sqrt(2) on the side where it is small, so the
// tail below 0 keeps its relative accuracy instead of cancelling in 1 + erf.
fn normalCdf(v: ActValue) -> ActValue {
  let half = 0.5 * erfcNonNegative(abs(v) * SQRT_HALF);
  return select(half, 1.0 - half, v >= ActValue(0.0));
}

fn sigmoidOf(v: ActValue) -> ActValue {
  let e = exp(-abs(v));
  return select(e, ActValue(1.0), v >= ActValue(0.0)) / (1.0 + e);
}

// The tanh form's gate: 1 + tanh(a) = 2 sigmoid(2 a), a = sqrt(2/pi) (v + 0.044715 v^3).
fn geluTanhGate(v: ActValue) -> ActValue {
  return sigmoidOf(2.0 * SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
}

// sigmoid and tanh take exp of -|v| only, so no intermediate overflows for any finite v: a
// compiler's built-in tanh, or 1 / (1 + exp(-v)), may give NaN or Inf for large |v| on some GPUs.
fn activate(code: u32, alpha: f32, v: ActValue) -> ActValue {
  switch code {
    case ACT_SIGMOID: { return sigmoidOf(v); }
    case ACT_RELU: { return max(v, ActValue(0.0)); }
    case ACT_TANH: {
      let e = exp(-2.0 * abs(v));
      return sign(v) * (1.0 - e) / (1.0 + e);
    }
    case ACT_LEAKY_RELU: { return select(alpha * v, v, v >= ActValue(0.0)); }
    // exp of min(v, 0): the arm not selected stays finite too.
    case ACT_ELU: { return select(alpha * (exp(min(v, ActValue(0.0))) - 1.0), v, v >= ActValue(0.0)); }
    // log(1 + exp(v)) as max(v, 0) + log(1 + exp(-|v|)), finite for every finite v.
    case ACT_SOFTPLUS: { return max(v, ActValue(0.0)) + log(1.0 + exp(-abs(v))); }
    case ACT_GELU: {
      if (alpha != 0.0) { return v * geluTanhGate(v); }
      return v * normalCdf(v);
    }
    case ACT_SWISH: { return v * sigmoidOf(v); }
    default: { return v; }
  }
}

// act'(z) written in terms of the forward output y = act(z), as the backward passes receive it.
// leakyRelu's and elu's alpha are non-negative (checked by the host), so y > 0 exactly where
// z > 0; elu's y + alpha is alpha exp(z) below 0; softplus' slope sigmoid(z) is 1 - exp(-y).
// gelu and swish are not monotonic, so y does not give z: for them the argument is z itself
// (the host passes the pre-activation, slopeReadsInput in src/linalg.ts).
fn activationSlope(code: u32, alpha: f32, y: ActValue) -> ActValue {
  switch code {
    case ACT_SIGMOID: { return y * (1.0 - y); }
    case ACT_RELU: { return select(ActValue(0.0), ActValue(1.0), y > ActValue(0.0)); }
    case ACT_TANH: { return 1.0 - y * y; }
    case ACT_LEAKY_RELU: { return select(ActValue(alpha), ActValue(1.0), y > ActValue(0.0)); }
    case ACT_ELU: { return select(y + alpha, ActValue(1.0), y > ActValue(0.0)); }
    case ACT_SOFTPLUS: { return 1.0 - exp(-y); }
    case ACT_GELU: {
      if (alpha != 0.0) {
        // s + z s (1 - s) 2 a'(z), s the gate; s (1 - s) is 0 in f32 long before |z| reaches 100,
        // and the clamp keeps z^2 finite so that the product stays 0 instead of NaN.
        let s = geluTanhGate(y);
        let c = clamp(y, ActValue(-100.0), ActValue(100.0));
        return s + c * s * (1.0 - s) * 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * c * c);
      }
      // Phi(z) + z phi(z); exp(-z^2 / 2) reaches 0, never Inf.
      return normalCdf(y) + y * INV_SQRT_2PI * exp(-0.5 * y * y);
    }
    case ACT_SWISH: {
      let s = sigmoidOf(y);
      return s + y * s * (1.0 - s);
    }
    default: { return ActValue(1.0); }
  }
}
