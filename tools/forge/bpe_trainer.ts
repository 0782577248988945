/**
 * A small deterministic byte-level BPE trainer. It starts from the 256 byte symbols, counts
 * adjacent pairs over the GPT-2 words of the corpus and merges the most frequent pair
 * (ties: the lexicographically smallest pair) until the vocabulary is full.
 *
 * @module
 */
import { z } from "zod";
import { byteLevelWords, byteToUnicode } from "./byte_level.ts";
import { TokenizerTrainingError } from "./errors.ts";

/** Trainer settings. */
export const BpeTrainingOptions = z.object({
  /** Training text (any UTF-8). */
  text: z.string(),
  /** Final vocabulary size, special tokens included. */
  vocabSize: z.number().int().positive(),
  /** Special tokens, given ids 0..n-1 in this order (e.g. <|endoftext|>, <|im_start|>, ...). */
  specialTokens: z.array(z.string().min(1)),
});
/** Trainer settings. */
export type BpeTrainingOptions = z.infer<typeof BpeTrainingOptions>;

/** A trained byte-level BPE model. */
export interface TrainedBpe {
  /** Token -> id: special tokens, then the 256 byte symbols, then merged tokens. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, as [left, right] pairs of byte-level strings. */
  readonly merges: readonly (readonly [string, string])[];
  /** The special tokens (ids 0..n-1). */
  readonly specialTokens: readonly string[];
}

/**
 * Train a byte-level BPE. Deterministic: the same options give the same vocab and merges.
 *
 * @example
 * ```ts
 * const bpe = trainByteLevelBpe({ text: "a tiny corpus", vocabSize: 300, specialTokens: ["<|endoftext|>"] });
 * ```
 */
export function trainByteLevelBpe(options: BpeTrainingOptions): TrainedBpe {
  const { text, vocabSize, specialTokens } = BpeTrainingOptions.parse(options);
  const alphabet = byteToUnicode();
  const minimum = specialTokens.length + alphabet.length;
  if (vocabSize < minimum) {
    throw new TokenizerTrainingError(
      `Cannot train tokenizer as 'vocabSize' must be at least ${minimum} (special tokens + 256 bytes): current value is ${vocabSize}`,
    );
  }
  if (new Set(specialTokens).size !== specialTokens.length) {
    throw new TokenizerTrainingError(
      `Cannot train tokenizer as 'specialTokens' must be unique: current value is ${
        JSON.stringify(specialTokens)
      }`,
    );
  }
  const vocab = new Map<string, number>();
  for (const token of [...specialTokens, ...alphabet]) vocab.set(token, vocab.size);

  // Distinct words with their counts; each word is a list of current symbols.
  const counts = new Map<string, number>();
  for (const word of byteLevelWords(text, alphabet)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const words = [...counts.entries()].map(([word, count]) => ({
    symbols: Array.from(word),
    count,
  }));

  const merges: [string, string][] = [];
  while (vocab.size < vocabSize) {
    const best = mostFrequentPair(words);
    if (best === undefined) break; // corpus exhausted: every word is a single token
    const [left, right] = best;
    const merged = left + right;
    merges.push([left, right]);
    if (!vocab.has(merged)) vocab.set(merged, vocab.size);
    for (const word of words) word.symbols = mergeWord(word.symbols, left, right);
  }
  return { vocab, merges, specialTokens };
}

function mostFrequentPair(
  words: readonly { symbols: string[]; count: number }[],
): [string, string] | undefined {
  const pairs = new Map<string, number>(); // "left\u0000right" -> count
  for (const { symbols, count } of words) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + count);
    }
  }
  let bestKey: string | undefined;
  let bestCount = 0;
  for (const [key, count] of pairs) {
    if (count > bestCount || (count === bestCount && bestKey !== undefined && key < bestKey)) {
      bestKey = key;
      bestCount = count;
    }
  }
  if (bestKey === undefined) return undefined;
  const [left, right] = bestKey.split("\u0000") as [string, string];
  return [left, right];
}

function mergeWord(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}
