/**
 * GPT-2 byte-level helpers shared by the BPE trainer: the byte -> printable-char table and
 * the pre-tokenization regex, identical to the `ByteLevel` pre-tokenizer (use_regex: true)
 * of Hugging Face tokenizers, so training sees exactly the words encoding will see.
 *
 * @module
 */

/** The GPT-2 pre-tokenization pattern (the one `ByteLevel` applies when use_regex is true). */
export const GPT2_PRETOKENIZE_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's bytes_to_unicode: printable bytes map to themselves, the other 68 bytes to
 * U+0100 and up, so every byte is one visible char (space becomes "Ġ").
 *
 * @example
 * ```ts
 * byteToUnicode()[32]; // "Ġ"
 * ```
 */
export function byteToUnicode(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) {
    table.push(String.fromCodePoint(printable(b) ? b : 256 + next++));
  }
  return table;
}

/**
 * Split text into GPT-2 words and spell each as byte-level chars.
 *
 * @example
 * ```ts
 * byteLevelWords("Hi there"); // ["Hi", "Ġthere"]
 * ```
 */
export function byteLevelWords(text: string, table: readonly string[] = byteToUnicode()): string[] {
  const encoder = new TextEncoder();
  return (text.match(GPT2_PRETOKENIZE_PATTERN) ?? []).map((word) =>
    Array.from(encoder.encode(word), (byte) => table[byte]!).join("")
  );
}
