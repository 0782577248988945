/**
 * The check that a draft model can propose tokens for a target: one vocabulary, one
 * tokenizer (token id i means the same string to both).
 *
 * @module
 */
import { ModelMismatchError } from "../errors.ts";

/** The parts of a loaded model folder the check reads. */
export interface TokenizerSide {
  readonly config: { readonly vocab_size: number };
  /** Parsed tokenizer.json. */
  readonly tokenizerJson: unknown;
}

/** JSON with object keys sorted, so key order never makes two equal values differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function field(json: unknown, key: string): unknown {
  return json !== null && typeof json === "object"
    ? (json as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Throw {@link ModelMismatchError} unless the draft has the target's `vocab_size` and the same
 * tokenizer vocabulary: tokenizer.json's `model` (vocab, merges) and `added_tokens`.
 *
 * @example
 * ```ts
 * checkDraftCompatible(targetFiles, draftFiles); // throws when the tokenizers differ
 * ```
 */
export function checkDraftCompatible(target: TokenizerSide, draft: TokenizerSide): void {
  if (draft.config.vocab_size !== target.config.vocab_size) {
    throw new ModelMismatchError(
      `Cannot load draft model as its 'vocab_size' must equal the target's ${target.config.vocab_size}: current value is ${draft.config.vocab_size}`,
    );
  }
  for (const key of ["model", "added_tokens"]) {
    const t = canonical(field(target.tokenizerJson, key));
    const d = canonical(field(draft.tokenizerJson, key));
    if (t !== d) {
      throw new ModelMismatchError(
        `Cannot load draft model as its tokenizer must equal the target's: tokenizer.json '${key}' differs`,
      );
    }
  }
}
