// The training playground's decision map, drawn straight from the model's prediction buffer (no
// readback): one triangle covers the canvas; each fragment finds its place on the n x n grid of
// probabilities (row r, column c at probs[r * n + c], rows from the top), colours the four
// nearest grid points on the maps' scale (orange, white, blue) and mixes them bilinearly, as a
// 2-D canvas scales an n x n image up with smoothing. Four loads per pixel from a buffer of a few
// KiB, which stays in cache.

struct Params {
  // 0-1 sRGB colours of probability 0, 0.5 and 1 (alpha unused).
  class0: vec4f,
  middle: vec4f,
  class1: vec4f,
  n: u32,
}

@group(0) @binding(0) var<storage, read> probs: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

struct Varyings {
  @builtin(position) position: vec4f,
  // (0, 0) at the canvas's top left, (1, 1) at its bottom right.
  @location(0) uv: vec2f,
}

@vertex
fn vs(@builtin(vertex_index) index: u32) -> Varyings {
  let corner = vec2f(f32((index << 1u) & 2u), f32(index & 2u)) * 2.0 - 1.0;
  return Varyings(vec4f(corner, 0.0, 1.0), vec2f(corner.x + 1.0, 1.0 - corner.y) * 0.5);
}

fn colour(r: u32, c: u32) -> vec3f {
  let t = clamp(probs[r * params.n + c], 0.0, 1.0) * 2.0 - 1.0;
  let end = select(params.class1.rgb, params.class0.rgb, t < 0.0);
  return mix(params.middle.rgb, end, abs(t));
}

@fragment
fn fs(in: Varyings) -> @location(0) vec4f {
  let last = f32(params.n - 1u);
  // Grid points sit at cell centres; outside the outermost ones the edge colour holds.
  let at = clamp(in.uv * f32(params.n) - 0.5, vec2f(0.0), vec2f(last));
  let lo = vec2u(floor(at));
  let hi = min(lo + 1u, vec2u(params.n - 1u));
  let w = at - floor(at);
  let top = mix(colour(lo.y, lo.x), colour(lo.y, hi.x), w.x);
  let bottom = mix(colour(hi.y, lo.x), colour(hi.y, hi.x), w.x);
  return vec4f(mix(top, bottom, w.y), 1.0);
}
