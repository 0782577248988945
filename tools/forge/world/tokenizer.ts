/**
 * The tiny-world tokenizer: a byte-level BPE trained on the world's corpus and training
 * texts, with the ChatML tokens, the Self-RAG reflection tokens and the Quiet-STaR thought
 * markers as special tokens, saved as Hugging Face tokenizer.json / tokenizer_config.json.
 *
 * @module
 */
import { REFLECTION_TOKENS } from "../../../functions/selfrag/tokens.ts";
import { type ChatMlTokenizer, trainChatMlTokenizer } from "../tokenizer_files.ts";
import { exampleText } from "./examples.ts";
import type { WorldData } from "./dataset.ts";

/** Quiet-STaR thought delimiters (reserved for the reasoning issue). */
export const THOUGHT_TOKENS = ["<|startofthought|>", "<|endofthought|>"] as const;

/** Special tokens after the three ChatML ones, in id order. */
export const WORLD_SPECIAL_TOKENS: readonly string[] = [...REFLECTION_TOKENS, ...THOUGHT_TOKENS];

/** Default vocabulary size of the world tokenizer. */
export const WORLD_VOCAB_SIZE = 1024;

/**
 * The text the tokenizer is trained on: every document and every training example. The
 * special tokens are cut out first (they have their own ids and must not shape merges).
 *
 * @example
 * ```ts
 * worldTokenizerText(buildWorldData(7)).length;
 * ```
 */
export function worldTokenizerText(data: WorldData): string {
  const parts = [
    ...data.corpus.documents.map((d) => `${d.title ?? ""}\n${d.text}`),
    ...data.train.map(exampleText),
  ];
  let text = parts.join("\n");
  for (const token of ["<|endoftext|>", "<|im_start|>", "<|im_end|>", ...WORLD_SPECIAL_TOKENS]) {
    text = text.replaceAll(token, "\n");
  }
  return text;
}

/**
 * Train the world tokenizer (deterministic for the same data and size).
 *
 * @example
 * ```ts
 * const tok = trainWorldTokenizer(buildWorldData(7));
 * await Deno.writeTextFile("tokenizer.json", JSON.stringify(tok.tokenizerJson));
 * ```
 */
export function trainWorldTokenizer(
  data: WorldData,
  vocabSize = WORLD_VOCAB_SIZE,
  modelMaxLength = 512,
): ChatMlTokenizer {
  return trainChatMlTokenizer({
    text: worldTokenizerText(data),
    vocabSize,
    extraSpecialTokens: WORLD_SPECIAL_TOKENS,
    modelMaxLength,
  });
}
