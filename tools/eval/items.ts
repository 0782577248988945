/**
 * Reading the world's held-out evaluation sets (`${modelsDir}/eval/<kind>.jsonl` and
 * `${modelsDir}/styles/<style>/eval.jsonl`), zod-checked against the generator's own schemas
 * (tools/forge/world), cut to the CLI's --limit.
 *
 * @module
 */
import type { z } from "zod";
import { EvalItem, type EvalKind } from "../forge/world/examples.ts";
import { type AnswerStyle, StyleEvalItem } from "../forge/world/styles.ts";

export type { EvalItem, StyleEvalItem };

/** Parse JSON lines with `schema`; errors name the file and the line. */
export function parseJsonl<T>(text: string, schema: z.ZodType<T>, path: string): T[] {
  const out: T[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (cause) {
      throw new Error(`Cannot read "${path}" as line ${i + 1} is not JSON`, { cause });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `Cannot read "${path}" as line ${i + 1} does not match the item schema: ${
          issue?.path.join(".") || "(root)"
        } ${issue?.message ?? "is invalid"}`,
      );
    }
    out.push(parsed.data);
  });
  return out;
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (cause) {
    throw new Error(
      `Cannot read the evaluation set as the file is missing: current path is "${path}"`,
      {
        cause,
      },
    );
  }
}

/**
 * The first `limit` items of `${modelsDir}/eval/${kind}.jsonl` (file order).
 *
 * @example
 * ```ts
 * const items = await loadEvalSet("models/world", "corpus_only", 32);
 * ```
 */
export async function loadEvalSet(
  modelsDir: string,
  kind: EvalKind,
  limit = Infinity,
): Promise<EvalItem[]> {
  const path = `${modelsDir}/eval/${kind}.jsonl`;
  const items = parseJsonl(await readText(path), EvalItem, path);
  const wrong = items.find((i) => i.kind !== kind);
  if (wrong !== undefined) {
    throw new Error(
      `Cannot read "${path}" as every item must be of kind '${kind}': current value is '${wrong.kind}'`,
    );
  }
  return items.slice(0, limit);
}

/**
 * The first `limit` style prompts of `${modelsDir}/styles/${style}/eval.jsonl`.
 *
 * @example
 * ```ts
 * const items = await loadStyleSet("models/world", "terse", 32);
 * ```
 */
export async function loadStyleSet(
  modelsDir: string,
  style: AnswerStyle,
  limit = Infinity,
): Promise<StyleEvalItem[]> {
  const path = `${modelsDir}/styles/${style}/eval.jsonl`;
  return parseJsonl(await readText(path), StyleEvalItem, path).slice(0, limit);
}
