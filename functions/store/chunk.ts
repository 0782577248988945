/**
 * Splitting documents into passages, the unit of retrieval.
 *
 * Choice: passages of about 120 words that
 * end on sentence boundaries. 100-150 words is the passage size of DPR and of the BEIR Wikipedia
 * collections; shorter passages make BM25's length normalisation and the pipelines' prompts
 * (which carry several passages) work well, and whole sentences keep each passage readable.
 * A single sentence longer than the maximum is cut at word boundaries.
 *
 * @module
 */

/** Chunking options. */
export interface ChunkOptions {
  /** Target passage length in words; a passage never exceeds it unless one word does. */
  readonly maxWords: number;
}

/** Default: 120 words a passage. */
export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { maxWords: 120 };

/**
 * Sentence ends: `.`, `!`, `?` (optionally followed by closing quotes or brackets) and then
 * whitespace, or a blank line. Abbreviations may split a sentence early; that only moves a
 * passage boundary, never loses text.
 */
const SENTENCE_END = /(?<=[.!?]["'\u201d\u2019)\]]*)\s+|\n\s*\n/u;

/** Split text into sentences (trimmed, non-empty). */
export function splitSentences(text: string): string[] {
  return text.split(SENTENCE_END).map((s) => s.trim()).filter((s) => s !== "");
}

function words(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w !== "");
}

/**
 * Split text into passages of at most `maxWords` words on sentence boundaries. Every word of
 * the input appears in exactly one passage, in order.
 *
 * @example
 * ```ts
 * chunkText("One. Two.", { maxWords: 1 }); // ["One.", "Two."]
 * ```
 */
export function chunkText(text: string, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): string[] {
  const max = Math.max(1, Math.floor(options.maxWords));
  const passages: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) passages.push(current.join(" "));
    current = [];
  };
  for (const sentence of splitSentences(text)) {
    const sentenceWords = words(sentence);
    if (sentenceWords.length > max) {
      flush();
      for (let i = 0; i < sentenceWords.length; i += max) {
        current = sentenceWords.slice(i, i + max);
        flush();
      }
      continue;
    }
    if (current.length + sentenceWords.length > max) flush();
    current.push(...sentenceWords);
  }
  flush();
  return passages;
}
