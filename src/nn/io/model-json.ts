/**
 * model.json <-> artifacts: the JSON file names its weight files in `weightsManifest`; reading
 * fetches each group's shards (through the destination's `readShard`), checks that the group's
 * specs take exactly its bytes, and joins the groups in order.
 */
import { describe } from '../../shape.js';
import { ModelFormatError } from './errors.js';
import { checkSpecs, concatenate, weightBytes } from './artifacts.js';
import { isRecord } from './topology.js';
import type { ModelArtifacts, ModelJSON, WeightSpec } from './types.js';

/** model.json for artifacts whose weights are stored in one file at `weightsPath`. */
export function toModelJSON(artifacts: ModelArtifacts, weightsPath: string): ModelJSON {
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

/** Parses model.json's text; `file` names it in messages. */
export function parseModelJSON(op: string, text: string, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFormatError(op, `${file} is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(json)) throw new ModelFormatError(op, `${file} must hold an object { modelTopology, weightsManifest }, got ${describe(json)}`);
  if (json.modelTopology === undefined) throw new ModelFormatError(op, `${file} has no modelTopology`);
  return json;
}

/** Artifacts from a parsed model.json, reading the shards it names (paths as written in the manifest). */
export async function readModelJSON(op: string, json: Record<string, unknown>, file: string, readShard: (path: string) => Promise<ArrayBuffer>): Promise<ModelArtifacts> {
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new ModelFormatError(op, `${file} weightsManifest must be an array of { paths, weights }, got ${describe(manifest)}`);
  const specs: WeightSpec[] = [];
  const data: ArrayBuffer[] = [];
  for (const [g, group] of manifest.entries()) {
    const part = `${file} weightsManifest[${g}]`;
    if (!isRecord(group) || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')) {
      throw new ModelFormatError(op, `${part} must be { paths: [file names], weights: [...] }, got ${describe(group)}`);
    }
    const paths = group.paths as string[];
    const shards = await Promise.all(paths.map((p) => readShard(p)));
    const bytes = concatenate(shards);
    checkSpecs(op, group.weights, weightBytes(shards), `${part}.weights`, `its shards (${paths.join(', ')})`);
    specs.push(...(group.weights as WeightSpec[]));
    data.push(bytes);
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: concatenate(data),
    ...(typeof json.format === 'string' ? { format: json.format } : {}),
    ...(typeof json.generatedBy === 'string' ? { generatedBy: json.generatedBy } : {}),
    ...(json.trainingConfig !== undefined ? { trainingConfig: json.trainingConfig as ModelArtifacts['trainingConfig'] } : {}),
  };
}
