/**
 * Safe FTS5 query construction. User text never reaches FTS5 syntax: the query is tokenized
 * here into runs of letters, marks and digits, and each term is emitted as a double-quoted
 * string (which can hold no double quote, since terms contain none). Quotes, AND/OR/NOT/NEAR,
 * column filters (`title:`), `*`, `^`, parentheses and `+` are therefore inert.
 *
 * @module
 */
import { z } from "zod";
import { STOP_WORDS } from "./stop_words.ts";

/** How terms are combined: any term, all terms, or all terms falling back to any. */
export const MatchMode = z.enum(["or", "and", "and_then_or"]);
/** How terms are combined. */
export type MatchMode = z.infer<typeof MatchMode>;

/** Most terms kept from one query (the rest are ignored). */
export const MAX_QUERY_TERMS = 32;
/** Longest term kept, in characters (longer runs are cut). */
export const MAX_TERM_CHARS = 64;

const TERM = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Lower-cased, de-duplicated query terms in order of first appearance. With `stopWords`,
 * stop words are dropped unless that would leave no term.
 *
 * @example
 * ```ts
 * queryTerms('Who founded "Port Arlen"?', { stopWords: true }); // ["founded", "port", "arlen"]
 * ```
 */
export function queryTerms(text: string, options: { stopWords: boolean }): string[] {
  const all = [
    ...new Set(
      (text.normalize("NFKC").toLowerCase().match(TERM) ?? []).map((t) =>
        t.slice(0, MAX_TERM_CHARS)
      ),
    ),
  ];
  const kept = options.stopWords ? all.filter((t) => !STOP_WORDS.has(t)) : all;
  return (kept.length > 0 ? kept : all).slice(0, MAX_QUERY_TERMS);
}

/**
 * An FTS5 MATCH expression of quoted terms joined by OR or AND; undefined when there is no term.
 * With `phrases` (OR only), each pair of adjacent terms is added as a quoted two-word phrase,
 * so passages holding the words side by side score higher (a sequential-dependence-style boost).
 *
 * @example
 * ```ts
 * buildMatch(["port", "arlen"], "or"); // '"port" OR "arlen"'
 * buildMatch(["port", "arlen"], "or", { phrases: true }); // '"port" OR "arlen" OR "port arlen"'
 * ```
 */
export function buildMatch(
  terms: readonly string[],
  join: "or" | "and",
  options: { phrases?: boolean } = {},
): string | undefined {
  // Terms come from queryTerms and hold no quote; stripping again keeps this safe on its own.
  const safe = terms.map((t) => t.replaceAll('"', "")).filter((t) => t !== "");
  if (safe.length === 0) return undefined;
  const parts = safe.map((t) => `"${t}"`);
  if (join === "and") return parts.join(" AND ");
  if (options.phrases === true) {
    for (let i = 0; i + 1 < safe.length; i++) parts.push(`"${safe[i]} ${safe[i + 1]}"`);
  }
  return parts.join(" OR ");
}
