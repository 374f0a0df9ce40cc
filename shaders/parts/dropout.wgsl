// Part: Dropout's mask, the counter-based hash of (seed, step, element) that
// src/ops/training/reference.ts writes in TypeScript (dropoutFactor), so that the GPU and the
// CPU reference drop the same elements.
// Reads: nothing.
// Defines: dropoutHash(seed, step, element) and dropoutFactor(seed, step, element, threshold,
//   scale): 0 where the element is dropped (the hash's top 24 bits below `threshold`, the host's
//   ceil(rate * 2^24)), else `scale` (1 / (1 - rate), rounded to f32 on the host).

// A 32-bit integer mix with full avalanche (every input bit flips each output bit with
// probability close to 1/2), so that neighbouring counters give independent-looking bits.
fn dropoutMix(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

fn dropoutHash(seed: u32, step: u32, element: u32) -> u32 {
  return dropoutMix(dropoutMix(dropoutMix(seed) ^ step) ^ element);
}

fn dropoutFactor(seed: u32, step: u32, element: u32, threshold: u32, scale: f32) -> f32 {
  return select(0.0, scale, (dropoutHash(seed, step, element) >> 8u) >= threshold);
}
