/**
 * The set of token ids a row has seen (prompt and generated), kept incrementally so the
 * repetition penalty costs O(distinct tokens) per step instead of O(sequence length).
 *
 * @module
 */
import { checkTokenId } from "./buffers.ts";

/** Initial capacity of the distinct-id list; it doubles when full (rare, amortized). */
const INITIAL_CAPACITY = 256;

/**
 * Distinct token ids of one row, in first-seen order.
 *
 * Memory: a `Uint8Array(vocabSize)` membership flag plus an `Int32Array` of distinct ids.
 *
 * @example
 * ```ts
 * const history = new TokenHistory(vocabSize);
 * history.addAll(promptIds);
 * // each step: history.add(nextToken);
 * ```
 */
export class TokenHistory {
  /** Vocabulary size the ids are checked against. */
  readonly vocabSize: number;
  /** 1 where the id has been seen. Shape `[vocab]`. */
  readonly #seen: Uint8Array;
  /** Distinct ids in first-seen order; only the first `#size` entries are used. */
  #ids: Int32Array;
  #size = 0;
  /** Cached `#ids.subarray(0, #size)`, rebuilt only after the set changed. */
  #view: Int32Array | null = null;

  /** @param vocabSize the number of token ids of the model. */
  constructor(vocabSize: number) {
    this.vocabSize = vocabSize;
    this.#seen = new Uint8Array(vocabSize);
    this.#ids = new Int32Array(Math.min(INITIAL_CAPACITY, Math.max(1, vocabSize)));
  }

  /** How many distinct ids have been seen. */
  get size(): number {
    return this.#size;
  }

  /** Whether `id` has been seen. */
  has(id: number): boolean {
    return this.#seen[id] === 1;
  }

  /**
   * Records one token id (a no-op when already seen).
   *
   * @throws {SamplingInputError} when `id` is outside the vocabulary.
   */
  add(id: number): void {
    checkTokenId("id", id, this.vocabSize);
    if (this.#seen[id] === 1) return;
    this.#seen[id] = 1;
    if (this.#size === this.#ids.length) {
      const grown = new Int32Array(Math.min(this.vocabSize, this.#ids.length * 2));
      grown.set(this.#ids);
      this.#ids = grown;
    }
    this.#ids[this.#size++] = id;
    this.#view = null;
  }

  /** Records every id of `ids` (e.g. the prompt). */
  addAll(ids: Iterable<number>): void {
    for (const id of ids) this.add(id);
  }

  /**
   * The distinct ids as a view (no copy; the view is cached, so repeated calls between two
   * `add`s allocate nothing). Valid until the next `add`; do not write into it.
   */
  distinctIds(): Int32Array {
    this.#view ??= this.#ids.subarray(0, this.#size);
    return this.#view;
  }

  /** Forgets every id, keeping the buffers (for reusing a row slot). */
  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#seen[this.#ids[i]!] = 0;
    this.#size = 0;
    this.#view = null;
  }
}
