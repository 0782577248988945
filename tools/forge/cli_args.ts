/**
 * Command-line flags of `deno task forge`.
 *
 * @module
 */
import { z } from "zod";
import { ForgeUsageError } from "./errors.ts";

/** Parsed forge flags. */
export const ForgeArgs = z.object({
  /** Output folder (fixture mode default: models/fixtures). */
  out: z.string().min(1).optional(),
  /** Forge one model from HF safetensors weights instead of the fixtures. */
  fromSafetensors: z.string().min(1).optional(),
  /** config.json of the --from-safetensors model. */
  config: z.string().min(1).optional(),
  /** Folder holding tokenizer.json + tokenizer_config.json (default: the fixture tokenizer). */
  tokenizer: z.string().min(1).optional(),
  /** Folder name of the --from-safetensors model inside --out. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).default("model"),
  /** Also write model.safetensors into each model folder. */
  safetensors: z.boolean().default(false),
  /** Print a one-line JSON summary as the last stdout line. */
  json: z.boolean().default(false),
  /** Print usage and exit. */
  help: z.boolean().default(false),
});
/** Parsed forge flags. */
export type ForgeArgs = z.infer<typeof ForgeArgs>;

/** Usage text of the forge. */
export const FORGE_USAGE = `Usage: deno task forge [flags]

Without flags, writes the fixture models (target, draft, manifest.json) to models/fixtures.

  --out DIR                 output folder (default models/fixtures)
  --from-safetensors FILE   forge one model from Hugging Face Llama weights (needs --config, --out)
  --config FILE             config.json of that model
  --tokenizer DIR           take tokenizer.json + tokenizer_config.json from DIR
                            (default: the fixture tokenizer)
  --name NAME               folder of that model inside --out (default "model")
  --safetensors             also write model.safetensors into every model folder
  --json                    print a one-line JSON summary as the last line
  --help                    show this text`;

const VALUE_FLAGS: Record<string, "out" | "fromSafetensors" | "config" | "tokenizer" | "name"> = {
  "--out": "out",
  "--from-safetensors": "fromSafetensors",
  "--config": "config",
  "--tokenizer": "tokenizer",
  "--name": "name",
};
const BOOLEAN_FLAGS: Record<string, "safetensors" | "json" | "help"> = {
  "--safetensors": "safetensors",
  "--json": "json",
  "--help": "help",
};

/**
 * Parse forge flags (`--flag value` or `--flag=value`). Throws {@link ForgeUsageError}.
 *
 * @example
 * ```ts
 * parseForgeArgs(["--out", "tmp/models", "--json"]).json; // true
 * ```
 */
export function parseForgeArgs(argv: readonly string[]): ForgeArgs {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitFlag(argv[i]!);
    const valueKey = VALUE_FLAGS[flag];
    const boolKey = BOOLEAN_FLAGS[flag];
    if (valueKey !== undefined) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new ForgeUsageError(`Cannot run forge as '${flag}' needs a value`);
      }
      raw[valueKey] = value;
    } else if (boolKey !== undefined && inline === undefined) {
      raw[boolKey] = true;
    } else {
      throw new ForgeUsageError(`Cannot run forge as '${flag}' is not a known flag (see --help)`);
    }
  }
  const parsed = ForgeArgs.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ForgeUsageError(
      `Cannot run forge as '${issue?.path.join(".")}' is invalid: ${issue?.message}`,
    );
  }
  const args = parsed.data;
  if ((args.fromSafetensors === undefined) !== (args.config === undefined)) {
    throw new ForgeUsageError(
      "Cannot run forge as '--from-safetensors' and '--config' go together",
    );
  }
  if (args.fromSafetensors !== undefined && args.out === undefined) {
    throw new ForgeUsageError("Cannot run forge as '--out' is required with '--from-safetensors'");
  }
  return args;
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq > 0 && arg.startsWith("--") ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}
