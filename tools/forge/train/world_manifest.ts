/**
 * `manifest.json` of the trained world models (models/world): its zod schema, and the check
 * CI runs on the committed models: every listed file exists with the listed sha256 and size,
 * and the model folders hold no file the manifest does not list.
 *
 * @module
 */
import { z } from "zod";
import { sha256Hex } from "../manifest.ts";

/** One hashed file, relative to the manifest's folder. */
export const WorldManifestFile = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
/** One hashed file, relative to the manifest's folder. */
export type WorldManifestFile = z.infer<typeof WorldManifestFile>;

/** One exported model or adapter in the manifest. */
export const WorldManifestEntry = z.object({
  name: z.string(),
  kind: z.enum(["model", "lora"]),
  /** Folder relative to the manifest. */
  path: z.string(),
  /** The entry whose trained weights this model carries (target_lora: "target"). */
  base: z.string().optional(),
  /** Trained parameters (LoRA: the factors only). */
  parameters: z.number().int().positive(),
  /** The run's training settings (model config, optimizer, batch, steps, seed, LoRA). */
  training: z.record(z.string(), z.unknown()),
  steps: z.number().int().nonnegative(),
  final_loss: z.number(),
  final_loss_mean20: z.number(),
  files: z.array(WorldManifestFile),
});
/** One exported model or adapter in the manifest. */
export type WorldManifestEntry = z.infer<typeof WorldManifestEntry>;

/** `manifest.json` of the trained world models. */
export const WorldManifest = z.object({
  version: z.literal(1),
  generator: z.literal("verity-forge-world"),
  quick: z.boolean(),
  minutes: z.number(),
  draft: z.enum(["ce", "distill"]),
  entries: z.array(WorldManifestEntry),
  /** The world's data files (corpus, training data, evaluation sets, tokenizer). */
  world_files: z.array(WorldManifestFile),
});
/** `manifest.json` of the trained world models. */
export type WorldManifest = z.infer<typeof WorldManifest>;

/**
 * Read and validate `<dir>/manifest.json`.
 *
 * @example
 * ```ts
 * const manifest = await readWorldManifest("models/world");
 * ```
 */
export async function readWorldManifest(dir: string): Promise<WorldManifest> {
  return WorldManifest.parse(JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)));
}

/** Every file path under `dir/sub`, relative to `dir`, with forward slashes. */
async function filesUnder(dir: string, sub: string): Promise<string[]> {
  const out: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(`${dir}/${sub}`));
  } catch {
    return out; // a missing folder holds no unlisted file (its listed files are reported)
  }
  for (const entry of entries) {
    const path = `${sub}/${entry.name}`;
    if (entry.isDirectory) out.push(...(await filesUnder(dir, path)));
    else out.push(path);
  }
  return out;
}

/**
 * Check a manifest against the files on disk; returns the paths that do not match, sorted:
 * listed files that are missing or whose sha256 or size differ, and files inside an entry's
 * folder that the manifest does not list (empty when everything matches).
 *
 * @example
 * ```ts
 * assert.deepEqual(await verifyWorldManifest("models/world"), []);
 * ```
 */
export async function verifyWorldManifest(dir: string): Promise<string[]> {
  const manifest = await readWorldManifest(dir);
  const bad = new Set<string>();
  const listed = [...manifest.world_files, ...manifest.entries.flatMap((e) => e.files)];
  for (const file of listed) {
    try {
      const bytes = await Deno.readFile(`${dir}/${file.path}`);
      if (bytes.length !== file.bytes || (await sha256Hex(bytes)) !== file.sha256) {
        bad.add(file.path);
      }
    } catch {
      bad.add(file.path);
    }
  }
  const known = new Set(listed.map((f) => f.path));
  for (const entry of manifest.entries) {
    for (const path of await filesUnder(dir, entry.path)) if (!known.has(path)) bad.add(path);
  }
  return [...bad].sort();
}
