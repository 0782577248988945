/**
 * Training batches: examples tokenized segment by segment (so the loss mask follows the
 * segment boundaries), concatenated into one stream, cut into rows of T + 1 tokens, and
 * served in a seeded order that depends only on (seed, step), so a resumed run sees exactly
 * the batches an uninterrupted run would.
 *
 * @module
 */
import { createRng } from "../rng.ts";
import type { TrainingExample } from "../world/examples.ts";

/** Anything that turns text into token ids (e.g. @huggingface/tokenizers' Tokenizer). */
export interface TokenEncoder {
  /** Token ids of `text`, no special tokens added. */
  encode(text: string): { ids: number[] };
}

/** A token stream with its loss mask. */
export interface TokenStream {
  /** Token ids. // [length] */
  readonly tokens: Int32Array;
  /** 1 where the token is a training target. // [length] */
  readonly mask: Uint8Array;
  /** Examples left out because they are longer than a row (aligned streams only). */
  readonly dropped?: number;
}

/**
 * Tokenize and concatenate examples in the given order. With `align` (the row length T of a
 * {@link BatchSource}), padding tokens (id `pad`, never trained) are inserted so that no
 * example crosses a multiple of `align`: every row then holds whole examples, so an answer is
 * never trained without the prompt or evidence it depends on. Examples longer than `align`
 * are left out and counted in `dropped`.
 *
 * @example
 * ```ts
 * const stream = tokenizeExamples(tokenizer, data.train, 128);
 * ```
 */
export function tokenizeExamples(
  encoder: TokenEncoder,
  examples: readonly TrainingExample[],
  align?: number,
  pad = 0,
): TokenStream {
  const tokens: number[] = [];
  const mask: number[] = [];
  let dropped = 0;
  for (const example of examples) {
    const ids: number[] = [];
    const bits: number[] = [];
    for (const segment of example.segments) {
      for (const id of encoder.encode(segment.text).ids) {
        ids.push(id);
        bits.push(segment.loss ? 1 : 0);
      }
    }
    if (align !== undefined) {
      if (ids.length > align) {
        dropped++;
        continue;
      }
      const used = tokens.length % align;
      if (used + ids.length > align) {
        for (let i = used; i < align; i++) {
          tokens.push(pad);
          mask.push(0);
        }
      }
    }
    tokens.push(...ids);
    mask.push(...bits);
  }
  return { tokens: Int32Array.from(tokens), mask: Uint8Array.from(mask), dropped };
}

/** One batch on the host. */
export interface HostBatch {
  /** Input ids. // [batch * seq] */
  readonly inputs: Int32Array<ArrayBuffer>;
  /** Next-token targets. // [batch * seq] */
  readonly targets: Int32Array<ArrayBuffer>;
  /** Loss weight per target, summing to 1 over the batch (all 0 when nothing is trained). // [batch * seq] */
  readonly weights: Float32Array<ArrayBuffer>;
  /** Trained target tokens in the batch. */
  readonly trainedTokens: number;
}

/** Serves seeded batches of rows of a token stream. */
export class BatchSource {
  readonly #stream: TokenStream;
  readonly #batch: number;
  readonly #seq: number;
  readonly #seed: number;
  readonly #rows: number;
  #epoch = -1;
  #order: Int32Array = new Int32Array(0);

  /** Rows are stream[k * seq, k * seq + seq + 1) (consecutive rows overlap by one token). */
  constructor(stream: TokenStream, batch: number, seq: number, seed: number) {
    this.#stream = stream;
    this.#batch = batch;
    this.#seq = seq;
    this.#seed = seed;
    this.#rows = Math.floor((stream.tokens.length - 1) / seq);
    if (this.#rows < batch) {
      throw new RangeError(
        `Cannot serve batches as the stream must hold at least ${batch} rows of ${seq} tokens: current value is ${this.#rows}`,
      );
    }
  }

  /** Optimizer steps per pass over the rows. */
  get stepsPerEpoch(): number {
    return Math.floor(this.#rows / this.#batch);
  }

  /** The batch of step `step`: a pure function of (stream, seed, step). */
  batchAt(step: number): HostBatch {
    const perEpoch = this.stepsPerEpoch;
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== this.#epoch) {
      this.#order = permutation(this.#seed, epoch, this.#rows);
      this.#epoch = epoch;
    }
    const b = this.#batch;
    const t = this.#seq;
    const inputs = new Int32Array(b * t); // [batch * seq]
    const targets = new Int32Array(b * t); // [batch * seq]
    const weights = new Float32Array(b * t); // [batch * seq]
    let trained = 0;
    for (let r = 0; r < b; r++) {
      const start = this.#order[(step % perEpoch) * b + r]! * t;
      for (let i = 0; i < t; i++) {
        inputs[r * t + i] = this.#stream.tokens[start + i]!;
        targets[r * t + i] = this.#stream.tokens[start + i + 1]!;
        const m = this.#stream.mask[start + i + 1]!;
        weights[r * t + i] = m;
        trained += m;
      }
    }
    if (trained > 0) { for (let i = 0; i < weights.length; i++) weights[i]! /= trained; }
    return { inputs, targets, weights, trainedTokens: trained };
  }
}

/** Seeded Fisher-Yates permutation of 0..n-1 for one epoch. */
function permutation(seed: number, epoch: number, n: number): Int32Array {
  const rng = createRng(
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0,
  );
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
