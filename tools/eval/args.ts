/**
 * The command line of `deno task eval [section...] [--json] [--models DIR] [--limit N]
 * [--seed N] [--out FILE]`, zod-validated, with errors that name the flag and its value.
 * Without `--out` a full run (every section, every item) writes bench/results/eval.json, the
 * committed result; a partial run (sections named or `--limit`) writes
 * bench/results/eval.partial.json (git-ignored), so a quick check cannot replace it.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";

/** Parsed command line. */
export const EvalArgs = z.object({
  /** Sections to run, in registry order; empty = all. */
  sections: z.array(z.string().min(1)),
  /** Print the result JSON on stdout (progress stays on stderr). */
  json: z.boolean(),
  /** The world folder. */
  models: z.string().min(1),
  /** At most this many items per evaluation set (Infinity = all). */
  limit: z.number().int().positive().or(z.literal(Infinity)),
  seed: z.number().int().min(0).max(0xffff_ffff),
  /** Where the result JSON is written. */
  out: z.string().min(1),
});
/** Parsed command line. */
export type EvalArgs = z.infer<typeof EvalArgs>;

/** Defaults of the flags. */
export const EVAL_DEFAULTS = {
  models: "models/world",
  seed: 0,
  out: "bench/results/eval.json",
  partialOut: "bench/results/eval.partial.json",
} as const;

function numberFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n)) {
    throw new RangeError(
      `Cannot run the evaluation as '--${flag}' must be an integer: current value is "${raw}"`,
    );
  }
  return n;
}

/**
 * Parse argv; `known` lists the section names that exist.
 *
 * @example
 * ```ts
 * parseEvalArgs(["selfrag", "--limit", "32"], ["closed_book", "selfrag"]).limit; // 32
 * ```
 */
export function parseEvalArgs(argv: readonly string[], known: readonly string[]): EvalArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        models: { type: "string" },
        limit: { type: "string" },
        seed: { type: "string" },
        out: { type: "string" },
      },
    });
  } catch (cause) {
    throw new RangeError(
      `Cannot run the evaluation as the command line is invalid: ${(cause as Error).message}`,
      { cause },
    );
  }
  const { values, positionals } = parsed;
  const unknown = positionals.find((s) => !known.includes(s));
  if (unknown !== undefined) {
    throw new RangeError(
      `Cannot run the evaluation as sections must be among ${
        known.join(", ")
      }: current value is "${unknown}"`,
    );
  }
  const limit = numberFlag("limit", values.limit) ?? Infinity;
  const partial = positionals.length > 0 || limit !== Infinity;
  const raw = {
    sections: [...new Set(positionals)],
    json: values.json ?? false,
    models: (values.models ?? EVAL_DEFAULTS.models).replace(/\/+$/, ""),
    limit,
    seed: numberFlag("seed", values.seed) ?? EVAL_DEFAULTS.seed,
    out: values.out ?? (partial ? EVAL_DEFAULTS.partialOut : EVAL_DEFAULTS.out),
  };
  const result = EvalArgs.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? "(root)");
    throw new RangeError(
      `Cannot run the evaluation as '--${field}' is invalid (${
        issue?.message ?? "invalid"
      }): current value is ${JSON.stringify((raw as Record<string, unknown>)[field])}`,
    );
  }
  return result.data;
}
