/**
 * Turns a trained byte-level BPE into the Hugging Face files `tokenizer.json` and
 * `tokenizer_config.json` (ChatML special tokens and chat template, as Qwen2 / SmolLM2 use),
 * which @huggingface/tokenizers and transformers.js load as they are.
 *
 * @module
 */
import { trainByteLevelBpe, type TrainedBpe } from "./bpe_trainer.ts";

/** End of text; also used as padding. */
export const ENDOFTEXT = "<|endoftext|>";
/** ChatML turn start. */
export const IM_START = "<|im_start|>";
/** ChatML turn end; the end-of-sequence token of chat generations. */
export const IM_END = "<|im_end|>";

/** The ChatML chat template (Jinja) of Qwen2 / SmolLM2 instruct models. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

/** A ChatML tokenizer ready to be written as Hugging Face files. */
export interface ChatMlTokenizer {
  /** The trained BPE (vocab, merges, special tokens). */
  readonly bpe: TrainedBpe;
  /** `tokenizer.json` content. */
  readonly tokenizerJson: Record<string, unknown>;
  /** `tokenizer_config.json` content. */
  readonly tokenizerConfig: Record<string, unknown>;
  /** Ids of the ChatML special tokens. */
  readonly ids: { readonly endoftext: number; readonly imStart: number; readonly imEnd: number };
}

/** Options of {@link trainChatMlTokenizer}. */
export interface ChatMlTokenizerOptions {
  /** Training text. */
  readonly text: string;
  /** Vocabulary size, special tokens included. */
  readonly vocabSize: number;
  /** More special tokens after the three ChatML ones (e.g. Self-RAG reflection tokens). */
  readonly extraSpecialTokens?: readonly string[];
  /** tokenizer_config.json model_max_length. */
  readonly modelMaxLength: number;
}

/**
 * Train a byte-level BPE with the ChatML special tokens (ids 0, 1, 2 =
 * <|endoftext|>, <|im_start|>, <|im_end|>, then `extraSpecialTokens`) and build its files.
 *
 * @example
 * ```ts
 * const tok = trainChatMlTokenizer({ text, vocabSize: 512, modelMaxLength: 512 });
 * ```
 */
export function trainChatMlTokenizer(options: ChatMlTokenizerOptions): ChatMlTokenizer {
  const specialTokens = [ENDOFTEXT, IM_START, IM_END, ...(options.extraSpecialTokens ?? [])];
  const bpe = trainByteLevelBpe({
    text: options.text,
    vocabSize: options.vocabSize,
    specialTokens,
  });
  const id = (token: string) => bpe.vocab.get(token)!;
  return {
    bpe,
    tokenizerJson: tokenizerJson(bpe),
    tokenizerConfig: tokenizerConfig(bpe, options.modelMaxLength),
    ids: { endoftext: id(ENDOFTEXT), imStart: id(IM_START), imEnd: id(IM_END) },
  };
}

function addedToken(content: string, id: number): Record<string, unknown> {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  };
}

/**
 * `tokenizer.json` of a byte-level BPE in the GPT-2 layout: no normalizer (so any UTF-8
 * round-trips), ByteLevel pre-tokenizer with the GPT-2 regex, ByteLevel decoder.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile("tokenizer.json", JSON.stringify(tokenizerJson(bpe)));
 * ```
 */
export function tokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: bpe.specialTokens.map((t) => addedToken(t, bpe.vocab.get(t)!)),
    normalizer: null,
    pre_tokenizer: {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    },
    post_processor: {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: false,
      use_regex: false,
    },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(bpe.vocab),
      merges: bpe.merges.map(([a, b]) => [a, b]),
    },
  };
}

/**
 * `tokenizer_config.json` with ChatML roles: bos = pad = <|endoftext|>, eos = <|im_end|>,
 * no BOS/EOS added on encode, no clean-up of spaces on decode (exact round-trips).
 *
 * @example
 * ```ts
 * tokenizerConfig(bpe, 512).chat_template;
 * ```
 */
export function tokenizerConfig(bpe: TrainedBpe, modelMaxLength: number): Record<string, unknown> {
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(
      bpe.specialTokens.map((t) => {
        const { id: _id, ...rest } = addedToken(t, bpe.vocab.get(t)!);
        return [String(bpe.vocab.get(t)), rest];
      }),
    ),
    additional_special_tokens: bpe.specialTokens.filter((t) => t !== ENDOFTEXT),
    bos_token: ENDOFTEXT,
    eos_token: IM_END,
    pad_token: ENDOFTEXT,
    unk_token: null,
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
    tokenizer_class: "GPT2Tokenizer",
  };
}
