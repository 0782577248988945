/**
 * Tokenization (@huggingface/tokenizers) and chat templates (@huggingface/jinja) for one
 * model folder.
 *
 * @module
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { Template } from "@huggingface/jinja";
import { ModelLoadError } from "./errors.ts";
import type { TokenizerConfig } from "./loader/model_files.ts";

/** One chat message in the OpenAI shape. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly content: string;
}

/** Encodes text, decodes ids and renders chat prompts. */
export interface TextCodec {
  /** Token ids of text (special tokens in the text are recognised; no BOS added). */
  encode(text: string): number[];
  /** Text of ids; special tokens are dropped unless `keepSpecial`. */
  decode(ids: readonly number[], keepSpecial?: boolean): string;
  /** The chat template rendered with a generation prompt. */
  applyChatTemplate(messages: readonly ChatMessage[]): string;
  /** Id of a token string, if it is in the vocabulary. */
  tokenId(token: string): number | undefined;
  /** Ids of all special (added) tokens. */
  readonly specialIds: ReadonlySet<number>;
}

function tokenText(t: TokenizerConfig["bos_token"]): string {
  if (t === null || t === undefined) return "";
  return typeof t === "string" ? t : t.content;
}

/**
 * Build a codec from tokenizer.json and tokenizer_config.json contents.
 *
 * @example
 * ```ts
 * const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
 * codec.decode(codec.encode("hello")); // "hello"
 * ```
 */
export function createTextCodec(tokenizerJson: unknown, config: TokenizerConfig): TextCodec {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson as object, config);
  } catch (cause) {
    throw new ModelLoadError(
      `Cannot load model as 'tokenizer.json' is not a valid tokenizer: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  const source = typeof config.chat_template === "string"
    ? config.chat_template
    : config.chat_template?.find((t) => t.name === "default")?.template;
  const template = source === undefined || source === null ? undefined : new Template(source);
  const specialIds = new Set(tokenizer.get_added_tokens_decoder().keys());
  const bos = tokenText(config.bos_token);
  const eos = tokenText(config.eos_token);
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids, keepSpecial = false) =>
      tokenizer.decode([...ids], { skip_special_tokens: !keepSpecial }),
    applyChatTemplate(messages) {
      if (template === undefined) {
        // Without a template, join contents; documented fallback for base models.
        return messages.map((m) => m.content).join("\n") + "\n";
      }
      return template.render({
        messages,
        add_generation_prompt: true,
        bos_token: bos,
        eos_token: eos,
      });
    },
    tokenId: (token) => tokenizer.token_to_id(token),
    specialIds,
  };
}
