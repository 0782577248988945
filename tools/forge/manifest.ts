/**
 * The manifest of a forged model set (`manifest.json`): per model its config and parameter
 * count, per file its sha256 and byte size, so loaders and tests can verify what they read.
 *
 * @module
 */
import { z } from "zod";
import { LlamaConfig, llamaParameterCount } from "./llama_config.ts";
import type { FileSet } from "./model_folder.ts";

/** One file of a model folder. */
export const ManifestFile = z.object({
  /** Path relative to the manifest's folder. */
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
/** One file of a model folder. */
export type ManifestFile = z.infer<typeof ManifestFile>;

/** One model of the set. */
export const ManifestModel = z.object({
  name: z.string().min(1),
  /** Folder relative to the manifest's folder. */
  path: z.string().min(1),
  parameters: z.number().int().positive(),
  config: LlamaConfig,
  files: z.array(ManifestFile),
});
/** One model of the set. */
export type ManifestModel = z.infer<typeof ManifestModel>;

/** `manifest.json` of a forged model set. */
export const Manifest = z.object({
  version: z.literal(1),
  generator: z.literal("verity-forge"),
  models: z.array(ManifestModel),
});
/** `manifest.json` of a forged model set. */
export type Manifest = z.infer<typeof Manifest>;

/**
 * Lower-case hex SHA-256 of some bytes.
 *
 * @example
 * ```ts
 * await sha256Hex(new Uint8Array()); // "e3b0c442..."
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The manifest entry of one model folder (`files` are relative to the folder; entries get
 * `folder/` prefixed).
 *
 * @example
 * ```ts
 * const entry = await manifestModel("target", "target", config, files);
 * ```
 */
export async function manifestModel(
  name: string,
  folder: string,
  config: LlamaConfig,
  files: FileSet,
): Promise<ManifestModel> {
  const entries: ManifestFile[] = [];
  for (const [path, bytes] of files) {
    entries.push({
      path: `${folder}/${path}`,
      sha256: await sha256Hex(bytes),
      bytes: bytes.length,
    });
  }
  return { name, path: folder, parameters: llamaParameterCount(config), config, files: entries };
}
