/**
 * Incremental detokenization: the text each new token adds, holding back an incomplete
 * UTF-8 sequence (decoded as U+FFFD) until the bytes that complete it arrive.
 *
 * @module
 */
import type { TextCodec } from "./tokenizer.ts";

/** Turns a growing list of ids into text deltas. */
export class Detokenizer {
  readonly #codec: TextCodec;
  readonly #ids: number[] = [];
  #emitted = 0;

  constructor(codec: TextCodec) {
    this.#codec = codec;
  }

  /** Add one token; returns the newly completed text (may be empty). */
  push(id: number): string {
    this.#ids.push(id);
    // Decoding the whole row keeps merges across token boundaries exact; rows are short
    // (hundreds of tokens), so the quadratic cost stays small next to a forward pass.
    let text = this.#codec.decode(this.#ids);
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0xfffd) end--;
    text = text.slice(0, end);
    if (text.length <= this.#emitted) return "";
    const delta = text.slice(this.#emitted);
    this.#emitted = text.length;
    return delta;
  }

  /** Text of every id pushed so far, including an incomplete tail. */
  full(): string {
    return this.#codec.decode(this.#ids);
  }
}
