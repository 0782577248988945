/**
 * Sentence splitting for word problems: a sentence ends at `.`, `!` or `?` followed by
 * white space and a sentence start, except after titles and initials ("Dr. Lee",
 * "J. K. Rowling"); decimals ("3.5") and money ("$4.50") never split because no space
 * follows their point. Line breaks always end a sentence.
 *
 * @module
 */

// Abbreviations that never end a sentence (lower-cased, without the final dot).
const TITLES = new Set([
  "dr",
  "mr",
  "mrs",
  "ms",
  "mx",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "ft",
  "vs",
  "no",
  "e.g",
  "i.e",
  "approx",
  "fig",
  "gen",
  "capt",
  "lt",
  "sgt",
  "rev",
  "hon",
  "u.s",
  "u.k",
]);
// Abbreviations that end a sentence only when a capitalized word follows.
const SOFT = new Set([
  "etc",
  "a.m",
  "p.m",
  "inc",
  "ltd",
  "co",
  "oz",
  "lbs",
  "lb",
  "min",
  "hr",
  "hrs",
]);

function wordBefore(text: string, dot: number): string {
  const m = /([A-Za-z][A-Za-z.]*)$/.exec(text.slice(0, dot));
  return (m?.[1] ?? "").toLowerCase();
}

function isBoundary(text: string, at: number): boolean {
  const c = text[at];
  let j = at + 1;
  while (j < text.length && /["”’')\]]/.test(text[j] ?? "")) j++;
  if (j < text.length && !/\s/.test(text[j] ?? "")) return false; // "3.5", "e.g.x"
  let k = j;
  while (k < text.length && /\s/.test(text[k] ?? "")) k++;
  if (k >= text.length) return true;
  const next = text[k] ?? "";
  if (c === "?" || c === "!") return true;
  const word = wordBefore(text, at);
  if (TITLES.has(word)) return false;
  if (/^[a-z]$/i.test(word) && /[A-Z]/.test(text[at - 1] ?? "")) return false; // initial "J."
  const startsSentence = /[A-Z0-9"“'‘$(]/.test(next);
  if (SOFT.has(word)) return /[A-Z]/.test(next);
  return startsSentence;
}

/**
 * Split text into trimmed sentences, in order.
 *
 * @example
 * ```ts
 * splitSentences("Dr. Lee paid $3.50 for 2.5 kg. I think it's 7. How much per kg?");
 * // ["Dr. Lee paid $3.50 for 2.5 kg.", "I think it's 7.", "How much per kg?"]
 * ```
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let start = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c !== "." && c !== "!" && c !== "?") continue;
      if (c === "." && line[i + 1] === ".") continue; // inside an ellipsis
      if (!isBoundary(line, i)) continue;
      let end = i + 1;
      while (end < line.length && /["”’')\]]/.test(line[end] ?? "")) end++;
      out.push(line.slice(start, end));
      start = end;
    }
    out.push(line.slice(start));
  }
  return out.map((s) => s.trim()).filter((s) => s !== "");
}
