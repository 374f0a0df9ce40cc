// Copies rows of a [rows, width] array of words into a batch: out row r is source row
// index[first + r] (or first + r when `direct` is set: a contiguous slice). The training loop
// uses it to assemble each batch in the epoch's shuffled order on the GPU. mode 1 converts class
// indices stored as floats to int32 on the way. Each invocation copies `words` consecutive output
// words (one row lookup and one division for all of them, not one per word): 8 bytes of traffic
// per 32 bits plus the index. The choices are pipeline overrides (SwiftShader runs both arms of a
// run-time branch).
//
// A word is a u32 or a vec4u: the host appends the aliases Word, FloatWord and IntWord (u32, f32,
// i32 or their vec4s; src/ops/training/kernels.ts). Rows of a multiple of 4 words go as vec4s, which
// SwiftShader copies at about half the cost (bench/HISTORY.md); widths and offsets then count
// vec4s.

struct Params {
  rows: u32,
  width: u32,
  first: u32,
}

@group(0) @binding(0) var<storage, read> source: array<Word>;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<Word>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// 1: rows first .. first + rows in order (no index); 0: through `index`.
override direct: u32 = 0u;
// 1: float class indices to int32.
override mode: u32 = 0u;
// Output words per invocation.
override words: u32 = 8u;

fn sourceRow(r: u32) -> u32 {
  if (direct == 0u) { return index[params.first + r]; }
  return params.first + r;
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = (gridIndex(wid, nwg) * workgroupSize + lid) * words;
  let total = params.rows * params.width;
  if (start >= total) { return; }
  let end = min(start + words, total);
  var r = start / params.width;
  var c = start - r * params.width;
  var row = sourceRow(r);
  for (var i = start; i < end; i++) {
    let bits = source[row * params.width + c];
    if (mode == 1u) {
      out[i] = Word(IntWord(bitcast<FloatWord>(bits)));
    } else {
      out[i] = bits;
    }
    c++;
    if (c == params.width && i + 1u < end) {
      c = 0u;
      r++;
      row = sourceRow(r);
    }
  }
}
