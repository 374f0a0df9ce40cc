// Fused softmax cross-entropy over the last axis, one invocation per row, vec4 accesses (the
// host picks this kernel when N is a multiple of 4). No barriers: the fast shape on SwiftShader.
// Pass 1 (fastRowPass, row_pass_vec4.wgsl, which the host appends): the row's max and
// normalizer, read once. Pass 2 (crossEntropyRun, cross_entropy_write_vec4.wgsl, appended too):
// read the logits again and the labels once, write the gradient and add up the row's loss.
// Traffic: 12 bytes per element with class indices (16 with label rows), and one loss per row.
// Rows with a NaN or an infinity are redone by the careful path (carefulRowPass,
// carefulCrossEntropyRun), which classifies every entry.
//
// Labels are either f32 probabilities (bound as u32 bits) or, with indexLabels, one i32 class
// index per row (read from the vec4 holding it).
//
// Special values as in cross_entropy_rows.wgsl.

struct Params {
  rows: u32,
  vecsPerRow: u32,
  // 1 / rows for the 'mean' reduction, else 1.
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> labels: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override indexLabels: bool = false;

fn runRow(row: u32) {
  let start = row * params.vecsPerRow;
  let end = start + params.vecsPerRow;
  var label = 0u;
  if (indexLabels) {
    label = labels[row / 4u][row % 4u];
  }
  // An index out of range (also a negative one, read as u32) poisons the row.
  let badIndex = indexLabels && label >= params.vecsPerRow * 4u;

  let fast = fastRowPass(start, end);
  if (!fast.special && !badIndex) {
    loss[row] = crossEntropyRun(start, end, CrossEntropyRow(start, fast.stats, label));
    return;
  }
  let careful = carefulRowPass(start, end);
  loss[row] = carefulCrossEntropyRun(start, end, CrossEntropyRow(start, careful.stats, label), careful.positiveInfinities, careful.sawNaN, badIndex);
}
