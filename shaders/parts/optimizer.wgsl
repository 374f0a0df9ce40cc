// Part: the optimizers' update rules (definitions in src/nn/optimizers.ts), for the layer-wise
// optimizer kernel and the fused trainers.
// Reads: the override `optimizerCode` (an OPT_* code), OPT_* from training_codes.wgsl, `OptValue`
//   (an alias the kernel declares: f32 or vec4f), the parameters `weights` (a read_write array
//   of OptValue), and the kernel's accessors of parameter i's state slots 1 to 3: loadSlot(k, i)
//   and storeSlot(k, i, v) (k is a constant at every call, so a kernel's branch on it folds away).
// Defines: StepRule (the step's hyperparameters) and optimizerUpdate(i, g, rule), one update of
//   parameter i from its gradient g (the batch mean). Each slot is read once: the compiler does
//   not merge two loads of a read_write binding, and on SwiftShader every load is a gather.

struct StepRule {
  // SGD, RMSprop, Adagrad: the learning rate; Adam, AdamW: the bias-corrected step size of this
  // step, lr sqrt(1 - beta2^t) / (1 - beta1^t).
  rate: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  // RMSprop's decay of its running averages.
  rho: f32,
  // AdamW: learning rate times weight decay.
  decay: f32,
}

fn optimizerUpdate(i: u32, g: OptValue, rule: StepRule) {
  switch optimizerCode {
    case OPT_SGD: {
      weights[i] = weights[i] - rule.rate * g;
    }
    case OPT_MOMENTUM: {
      let v = rule.momentum * loadSlot(1u, i) - rule.rate * g;
      storeSlot(1u, i, v);
      weights[i] = weights[i] + v;
    }
    case OPT_NESTEROV: {
      let v = rule.momentum * loadSlot(1u, i) - rule.rate * g;
      storeSlot(1u, i, v);
      weights[i] = weights[i] + rule.momentum * v - rule.rate * g;
    }
    case OPT_ADAM, OPT_ADAMW: {
      var p = weights[i];
      // AdamW decays the weights before the Adam step.
      if (optimizerCode == OPT_ADAMW) { p = p - p * rule.decay; }
      let m0 = loadSlot(1u, i);
      let v0 = loadSlot(2u, i);
      let m = m0 + (g - m0) * (1.0 - rule.beta1);
      let v = v0 + (g * g - v0) * (1.0 - rule.beta2);
      storeSlot(1u, i, m);
      storeSlot(2u, i, v);
      weights[i] = p - rule.rate * m / (sqrt(v) + rule.epsilon);
    }
    case OPT_RMSPROP, OPT_RMSPROP_CENTERED: {
      let ms = rule.rho * loadSlot(1u, i) + (1.0 - rule.rho) * g * g;
      storeSlot(1u, i, ms);
      var denominator = ms + rule.epsilon;
      if (optimizerCode == OPT_RMSPROP_CENTERED) {
        let mg = rule.rho * loadSlot(3u, i) + (1.0 - rule.rho) * g;
        storeSlot(3u, i, mg);
        denominator = ms - mg * mg + rule.epsilon;
      }
      let increment = rule.rate * g / sqrt(denominator);
      let velocity = rule.momentum * loadSlot(2u, i) + increment;
      storeSlot(2u, i, velocity);
      weights[i] = weights[i] - velocity;
    }
    default: {
      let accumulator = loadSlot(1u, i) + g * g;
      storeSlot(1u, i, accumulator);
      weights[i] = weights[i] - rule.rate * g / sqrt(accumulator + rule.epsilon);
    }
  }
}
