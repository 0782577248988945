/**
 * `deno run -A tools/forge/world/main.ts [--seed N] [--out DIR] [--vocab N]`: renders the
 * tiny world (corpus, training examples, evaluation sets, fact split) and trains its
 * tokenizer into one folder (default models/world). The same seed writes the same bytes.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type FileSet, jsonBytes, writeFileSet } from "../model_folder.ts";
import { buildWorldData, type WorldDataOptions, worldFiles } from "./dataset.ts";
import { trainWorldTokenizer, WORLD_VOCAB_SIZE } from "./tokenizer.ts";

/** Default world seed. */
export const WORLD_SEED = 7;

/**
 * The world folder's files: {@link worldFiles} plus tokenizer.json and tokenizer_config.json.
 *
 * @example
 * ```ts
 * await writeFileSet("models/world", worldFolderFiles(7));
 * ```
 */
export function worldFolderFiles(
  seed = WORLD_SEED,
  vocabSize = WORLD_VOCAB_SIZE,
  options: WorldDataOptions = {},
): FileSet {
  const data = buildWorldData(seed, options);
  const files = worldFiles(data);
  const tokenizer = trainWorldTokenizer(data, vocabSize);
  files.set("tokenizer.json", jsonBytes(tokenizer.tokenizerJson));
  files.set("tokenizer_config.json", jsonBytes(tokenizer.tokenizerConfig));
  return files;
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `Cannot render the world as '${flag}' must be a non-negative integer: current value is "${value}"`,
    );
  }
  return n;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { seed: { type: "string" }, out: { type: "string" }, vocab: { type: "string" } },
  });
  const out = values.out ?? "models/world";
  const files = worldFolderFiles(
    positiveInt("--seed", values.seed, WORLD_SEED),
    positiveInt("--vocab", values.vocab, WORLD_VOCAB_SIZE),
  );
  await writeFileSet(out, files);
  let total = 0;
  for (const [path, bytes] of files) {
    total += bytes.length;
    console.log(`${out}/${path}: ${bytes.length} bytes`);
  }
  console.log(`total ${total} bytes`);
}
