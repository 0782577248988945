/**
 * Sampling parameters in the OpenAI / Hugging Face vocabulary, checked by one zod schema.
 *
 * @module
 */
import { z } from "zod";
import { InvalidSamplingParamsError } from "./errors.ts";

/** The most stop strings a request may carry (the OpenAI limit). */
export const MAX_STOP_STRINGS = 4;

/** The one rule `stop` is held to, used by every branch so the message names it whole. */
const STOP_RULE =
  `must be a non-empty string or an array of at most ${MAX_STOP_STRINGS} non-empty strings`;

const nonEmptyStop = z.string({ error: STOP_RULE }).min(1, { error: STOP_RULE });

/**
 * Sampling parameters of one request (zod schema; the type is its parsed output).
 *
 * - `temperature` in [0, 2], default 1; 0 means greedy (argmax, ties to the lowest id).
 * - `top_k` integer >= 0, default 0 (off); keeps the k most likely tokens (ties at the k-th
 *   logit are kept too, as in Hugging Face).
 * - `top_p` in (0, 1], default 1 (off); nucleus sampling.
 * - `min_p` in [0, 1), default 0 (off); drops tokens less likely than `min_p` times the most
 *   likely one.
 * - `repetition_penalty` > 0, default 1 (off); the CTRL / Hugging Face rule.
 * - `seed` optional safe integer; the engine derives one stream per row from it.
 * - `max_tokens` optional positive integer; the engine bounds it by the context window.
 * - `stop` a non-empty string or up to 4 non-empty strings; normalized to `string[]`
 *   (default `[]`).
 *
 * Unknown keys are dropped, so a whole chat request can be passed in.
 */
export const SamplingParams = z.object({
  temperature: z.number({ error: "must be a finite number" })
    .min(0, { error: "must be at least 0" })
    .max(2, { error: "must be at most 2" })
    .default(1),
  top_k: z.number({ error: "must be a finite number" })
    .int({ error: "must be an integer" })
    .min(0, { error: "must be at least 0 (0 turns it off)" })
    .default(0),
  top_p: z.number({ error: "must be a finite number" })
    .gt(0, { error: "must be greater than 0" })
    .max(1, { error: "must be at most 1" })
    .default(1),
  min_p: z.number({ error: "must be a finite number" })
    .min(0, { error: "must be at least 0" })
    .lt(1, { error: "must be less than 1" })
    .default(0),
  repetition_penalty: z.number({ error: "must be a finite number" })
    .gt(0, { error: "must be greater than 0" })
    .default(1),
  seed: z.number({ error: "must be a finite number" })
    .int({ error: "must be a safe integer" })
    .optional(),
  max_tokens: z.number({ error: "must be a finite number" })
    .int({ error: "must be an integer" })
    .min(1, { error: "must be a positive integer" })
    .optional(),
  stop: z.union([
    nonEmptyStop,
    z.array(nonEmptyStop, { error: STOP_RULE }).max(MAX_STOP_STRINGS, { error: STOP_RULE }),
  ], { error: STOP_RULE })
    .optional()
    .transform((stop): string[] =>
      stop === undefined ? [] : typeof stop === "string" ? [stop] : stop
    ),
}, { error: "must be an object" });

/** Parsed sampling parameters (defaults filled in, `stop` normalized to an array). */
export type SamplingParams = z.infer<typeof SamplingParams>;

/** What callers may pass in (every field optional, `stop` as a string or an array). */
export type SamplingParamsInput = z.input<typeof SamplingParams>;

/** Reads the value at a zod issue path for the error message. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Renders a value the way the house error style does: strings quoted, the rest as JSON. */
function render(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value); // keeps NaN and Infinity readable
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Validates and normalizes sampling parameters.
 *
 * @throws {InvalidSamplingParamsError} naming each failing field, its rule and its value, e.g.
 *   `Cannot sample as 'top_p' must be greater than 0: current value is 0`.
 *
 * @example
 * ```ts
 * const params = parseSamplingParams({ temperature: 0.7, stop: "\n\n" });
 * // params.stop -> ["\n\n"], params.top_p -> 1
 * ```
 */
export function parseSamplingParams(input: unknown): SamplingParams {
  const result = SamplingParams.safeParse(input);
  if (result.success) return result.data;
  // Report the field (the top-level key), not a deeper union branch path.
  const seen = new Set<string>();
  const parts: string[] = [];
  const fields: string[] = [];
  for (const issue of result.error.issues) {
    const topKey = issue.path[0];
    const field = topKey === undefined ? "params" : String(topKey);
    if (seen.has(field)) continue;
    seen.add(field);
    fields.push(field);
    const value = topKey === undefined ? input : valueAt(input, [topKey]);
    parts.push(`'${field}' ${issue.message}: current value is ${render(value)}`);
  }
  throw new InvalidSamplingParamsError(`Cannot sample as ${parts.join("; ")}`, fields, {
    cause: result.error,
  });
}
