/**
 * The TF.js Layers format's objects, as TF.js's `io` module names them: what an IO handler saves
 * and loads (ModelArtifacts), the model.json file (ModelJSON), and what `save` resolves to.
 */

/** One weight array in a manifest: float32 values of `shape`, stored as `quantization.dtype` when given. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  /** `'optimizer'` marks optimizer state (which loading skips: compiling resets it). */
  group?: string;
  /** How the values are stored: uint8 / uint16 (value = q * scale + min) or float16. */
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** One group of the manifest: its weights are stored in the concatenation of its shard files. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** TF.js's `trainingConfig`: the compile configuration. */
export interface TrainingConfig {
  loss: unknown;
  metrics?: unknown;
  optimizer_config: { class_name: string; config: Record<string, unknown> };
  [key: string]: unknown;
}

/** A model in memory: the topology, the weight specs and their bytes (one buffer, or shards in order). */
export interface ModelArtifacts {
  modelTopology?: unknown;
  weightSpecs?: WeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: TrainingConfig;
  userDefinedMetadata?: Record<string, unknown>;
}

/** The model.json file. */
export interface ModelJSON {
  modelTopology: unknown;
  weightsManifest: WeightsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: TrainingConfig;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  modelTopologyBytes: number;
  weightSpecsBytes: number;
  weightDataBytes: number;
}

/** What `model.save` resolves to (TF.js's SaveResult). */
export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
}

/** A destination or source as an object (TF.js's IOHandler: `io.withSaveHandler`, `io.fromMemory` return one). */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult | unknown>;
  load?(): Promise<ModelArtifacts>;
}

/** What `listModels()` returns, keyed by URL (`'indexeddb://name'`, `'localstorage://name'`). */
export type ModelList = Record<string, ModelArtifactsInfo>;
