/**
 * Fitting prompts into the client model's context window (`context_tokens`). The edge never
 * sees the tokenizer, so it counts two kinds of text differently:
 * - templates and retrieved passages: ceil(characters / chars_per_token), with the run's
 *   `chars_per_token` (default 1.25, below every tokenizer measured here, so it runs high);
 * - model-written text put back into a prompt (an answer so far, a segment to critique): its
 *   UTF-8 bytes, a hard upper bound for byte-level BPE (every token holds at least one byte).
 *   A chars-per-token guess fails here: a model's output can re-tokenize into MORE tokens
 *   than it was generated as (invalid UTF-8 decodes to U+FFFD, 3 bytes, up to 3 tokens).
 * A prompt that is followed by an answer keeps `max_tokens` free; every prompt keeps a small
 * margin. Passages are cut at a word boundary and model text from its end. Without
 * `context_tokens` nothing is trimmed.
 *
 * @module
 */
import type { PipelineOptions } from "../../shared/pipeline.ts";

/** Tokens kept free besides the answer, so an estimate that runs short still fits. */
export const BUDGET_MARGIN_TOKENS = 8;

/** The options the budget reads. */
export type BudgetOptions = Pick<
  PipelineOptions,
  "context_tokens" | "max_tokens" | "chars_per_token"
>;

const encoder = new TextEncoder();

/** Estimated tokens of template or corpus text at `charsPerToken` (rounded up). */
export function estimateTokens(text: string, charsPerToken: number): number {
  return Math.ceil(text.length / charsPerToken);
}

/** Upper bound on the tokens of model-written text: its UTF-8 byte length. */
export function modelTextTokens(text: string): number {
  return encoder.encode(text).length;
}

function promptTokens(o: BudgetOptions, fixedText: string, modelText: string): number {
  return estimateTokens(fixedText, o.chars_per_token) + modelTextTokens(modelText);
}

/**
 * Characters of passage text that fit in one prompt made of `fixedText` and `modelText`
 * besides it that keeps `max_tokens` free; Infinity when the run gave no `context_tokens`,
 * 0 when nothing fits.
 *
 * @example
 * ```ts
 * // 512-token window, 256 for the answer, 8 margin, 1.25 chars a token, 100 fixed chars:
 * passageCharBudget({ context_tokens: 512, max_tokens: 256, chars_per_token: 1.25 }, "x".repeat(100));
 * // floor((512 - 256 - 8 - 80) * 1.25) = 210
 * ```
 */
export function passageCharBudget(o: BudgetOptions, fixedText: string, modelText = ""): number {
  const window = o.context_tokens;
  if (window === undefined) return Infinity;
  const room = window - o.max_tokens - BUDGET_MARGIN_TOKENS -
    promptTokens(o, fixedText, modelText);
  return Math.max(0, Math.floor(room * o.chars_per_token));
}

/**
 * Tokens the answer may take after a prompt of `fixedText` and `modelText`: max_tokens, or
 * less when the window (minus the margin) leaves less; max_tokens without a window.
 */
export function answerRoom(o: BudgetOptions, fixedText: string, modelText = ""): number {
  const window = o.context_tokens;
  if (window === undefined) return o.max_tokens;
  const left = window - BUDGET_MARGIN_TOKENS - promptTokens(o, fixedText, modelText);
  return Math.max(0, Math.min(o.max_tokens, left));
}

/**
 * `modelText` cut from its end so that a prompt of `fixedText` plus it leaves `reserve`
 * tokens (and the margin) free in the window; unchanged without a window.
 *
 * @example
 * ```ts
 * fitModelText({ context_tokens: 64, max_tokens: 8, chars_per_token: 1 }, "x".repeat(40), "abcdefghijklmnop");
 * // 64 - 8 margin - 1 reserve - 40 = 15 bytes: "abcdefghijklmno"
 * ```
 */
export function fitModelText(
  o: BudgetOptions,
  fixedText: string,
  modelText: string,
  reserve = 1,
): string {
  const window = o.context_tokens;
  if (window === undefined) return modelText;
  let left = window - BUDGET_MARGIN_TOKENS - reserve - estimateTokens(fixedText, o.chars_per_token);
  if (modelTextTokens(modelText) <= left) return modelText;
  let end = 0;
  for (const ch of modelText) {
    left -= modelTextTokens(ch);
    if (left < 0) break;
    end += ch.length;
  }
  return modelText.slice(0, end);
}

/**
 * `text` cut to at most `maxChars` characters, at the last whitespace when there is one in
 * the kept part (no half word), trailing whitespace removed.
 *
 * @example
 * ```ts
 * trimToChars("Ada lives in Port Arlen.", 14); // "Ada lives in"
 * ```
 */
export function trimToChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars <= 0) return "";
  const cut = text.slice(0, maxChars + 1);
  const space = cut.search(/\s\S*$/);
  return (space > 0 ? cut.slice(0, space) : text.slice(0, maxChars)).trimEnd();
}
