// Part: reading a sample's targets, whatever the label kind.
// Reads: `labels: array<u32>` (dense rows of f32 bits, or one class index per sample as f32 or
//   u32 bits), the override `labelKind` (a LABEL_* code), `labelWidth()` (the kernel's outputs
//   per sample), and LABEL_* from training_codes.wgsl.
// Defines: targetValue(sample, j), the target of output j (1 or 0 for a class index);
//   classIndex(sample), for the index kinds.

fn targetValue(sample: u32, j: u32) -> f32 {
  if (labelKind == LABEL_DENSE) { return bitcast<f32>(labels[sample * labelWidth() + j]); }
  return select(0.0, 1.0, j == classIndex(sample));
}

fn classIndex(sample: u32) -> u32 {
  if (labelKind == LABEL_INDEX_FLOAT) { return u32(bitcast<f32>(labels[sample])); }
  return labels[sample];
}
