// Part: the element-wise activations, forward and derivative. Every kernel that applies an
// activation appends this part (src/ops/shared/wgsl-parts.ts) instead of spelling the math itself.
// Reads: `ActValue`, an alias the kernel declares (`alias ActValue = f32;` or `= vec4f;`), so one
//   text serves scalar and vec4 kernels.
// Defines: the codes ACT_* (the TypeScript table ACTIVATION_CODE in src/ops/dense/activation.ts
//   holds the same numbers, checked by a test), activate(code, alpha, v) and
//   activationSlope(code, alpha, y).
// `code` and `alpha` are pipeline overrides at every call site, so the switch is resolved when the
// pipeline is compiled (SwiftShader runs every arm of a switch on a run-time value).
// `alpha` is leakyRelu's slope for negative inputs and elu's scale of them; the other activations
// ignore it.

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

// sigmoid and tanh take exp of -|v| only, so no intermediate overflows for any finite v: a
// compiler's built-in tanh, or 1 / (1 + exp(-v)), may give NaN or Inf for large |v| on some GPUs.
fn activate(code: u32, alpha: f32, v: ActValue) -> ActValue {
  switch code {
    case ACT_SIGMOID: {
      let e = exp(-abs(v));
      return select(e, ActValue(1.0), v >= ActValue(0.0)) / (1.0 + e);
    }
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
    default: { return v; }
  }
}

// act'(z) written in terms of the forward output y = act(z), as the backward passes receive it.
// leakyRelu's and elu's alpha are non-negative (checked by the host), so y > 0 exactly where
// z > 0; elu's y + alpha is alpha exp(z) below 0; softplus' slope sigmoid(z) is 1 - exp(-y).
fn activationSlope(code: u32, alpha: f32, y: ActValue) -> ActValue {
  switch code {
    case ACT_SIGMOID: { return y * (1.0 - y); }
    case ACT_RELU: { return select(ActValue(0.0), ActValue(1.0), y > ActValue(0.0)); }
    case ACT_TANH: { return 1.0 - y * y; }
    case ACT_LEAKY_RELU: { return select(ActValue(alpha), ActValue(1.0), y > ActValue(0.0)); }
    case ACT_ELU: { return select(y + alpha, ActValue(1.0), y > ActValue(0.0)); }
    case ACT_SOFTPLUS: { return 1.0 - exp(-y); }
    default: { return ActValue(1.0); }
  }
}
