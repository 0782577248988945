/**
 * `deno task forge`: writes the deterministic fixture models (models/fixtures/target,
 * models/fixtures/draft, models/fixtures/manifest.json) and the LoRA fixtures
 * (models/fixtures/target_lora, models/fixtures/adapters, lora_manifest.json), or forges one model from Hugging
 * Face Llama weights (--from-safetensors FILE --config FILE --out DIR). Run twice, it
 * writes byte-identical files.
 *
 * @module
 */
import { FORGE_USAGE, type ForgeArgs, parseForgeArgs } from "./cli_args.ts";
import { fixtureTokenizer, forgeFixtureSet } from "./fixtures.ts";
import { parseLlamaConfig } from "./llama_config.ts";
import { type ForgedSet, forgeModelSet, type SharedTokenizer } from "./model_set.ts";
import { writeFileSet } from "./model_folder.ts";
import { llamaWeightsFromSafetensors } from "./weights.ts";
import { forgeLoraFixtureFiles } from "./lora_fixtures.ts";

/** One-line summary printed with --json. */
export interface ForgeSummary {
  /** Output folder. */
  readonly out: string;
  /** Wall time of the whole run in milliseconds. */
  readonly wall_ms: number;
  /** Per model: name, parameter count, ONNX size and total bytes written. */
  readonly models: { name: string; parameters: number; onnx_bytes: number; total_bytes: number }[];
  /** Files of the LoRA fixtures (target_lora, adapters/, lora_manifest.json), when written. */
  readonly lora_files?: number;
}

/** Options of {@link runForge} that are not flags. */
export interface RunForgeOptions {
  /**
   * Also write the LoRA fixtures (target_lora/, adapters/, lora_manifest.json) next to the
   * fixture set. `deno task forge` does; callers that check the base set's exact files do not.
   */
  readonly lora?: boolean;
}

/**
 * Run the forge with command-line flags and return the summary; `log` receives stdout
 * lines (console.log by default).
 *
 * @example
 * ```ts
 * const summary = await runForge(["--out", "/tmp/fixtures"], () => {});
 * ```
 */
export async function runForge(
  argv: readonly string[],
  log: (line: string) => void = console.log,
  options: RunForgeOptions = {},
): Promise<ForgeSummary | undefined> {
  const started = performance.now();
  const args = parseForgeArgs(argv);
  if (args.help) {
    log(FORGE_USAGE);
    return undefined;
  }
  const out = args.out ?? "models/fixtures";
  const forged = args.fromSafetensors === undefined
    ? await forgeFixtureSet(args.safetensors)
    : await forgeFromFiles(args);
  await writeFileSet(out, forged.files);
  const lora = options.lora === true && args.fromSafetensors === undefined
    ? await forgeLoraFixtureFiles()
    : undefined;
  if (lora !== undefined) await writeFileSet(out, lora);
  const summary: ForgeSummary = {
    out,
    wall_ms: Math.round(performance.now() - started),
    models: forged.manifest.models.map((m) => ({
      name: m.name,
      parameters: m.parameters,
      onnx_bytes: m.files.find((f) => f.path.endsWith("onnx/model.onnx"))?.bytes ?? 0,
      total_bytes: m.files.reduce((sum, f) => sum + f.bytes, 0),
    })),
    ...(lora !== undefined ? { lora_files: lora.size } : {}),
  };
  if (args.json) {
    log(JSON.stringify(summary));
  } else {
    for (const m of summary.models) {
      log(`${out}/${m.name}: ${m.parameters} parameters, onnx ${m.onnx_bytes} bytes`);
    }
    if (lora !== undefined) log(`${out}: ${lora.size} LoRA fixture files`);
    log(`forged in ${summary.wall_ms} ms`);
  }
  return summary;
}

async function forgeFromFiles(args: ForgeArgs): Promise<ForgedSet> {
  const config = parseLlamaConfig(JSON.parse(await Deno.readTextFile(args.config!)));
  const weights = llamaWeightsFromSafetensors(config, await Deno.readFile(args.fromSafetensors!));
  const tokenizer: SharedTokenizer = args.tokenizer === undefined ? fixtureTokenizer() : {
    tokenizerJson: JSON.parse(await Deno.readTextFile(`${args.tokenizer}/tokenizer.json`)),
    tokenizerConfig: JSON.parse(await Deno.readTextFile(`${args.tokenizer}/tokenizer_config.json`)),
  };
  return forgeModelSet([{ name: args.name, config, weights }], tokenizer, args.safetensors);
}

if (import.meta.main) {
  try {
    await runForge(Deno.args, console.log, { lora: true });
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    Deno.exit(1);
  }
}
