/**
 * The KV cache of a batch whose rows may hold holes: the batch tensors plus, per row, a
 * column mask (1 = a real token, 0 = padding or hole) and the row's real length. A row's
 * position ids count only its real tokens, so a hole is invisible to the model: attention
 * masks it, RoPE never sees its column. This lets speculative decoding roll a row back by
 * marking columns invalid, with no copy, and lets rows of one step feed different numbers of
 * tokens (a right-padded ragged chunk whose extra columns become holes at once).
 *
 * Compaction ({@link KvBatch.gather}) copies each row's real columns right-aligned into a
 * fresh cache of length max(len); it runs when rows join or leave and when the slack (columns
 * compaction would free) passes {@link KvBatch.shouldCompact}'s threshold.
 *
 * @module
 */
import type { Decoder, KvTensors } from "./decoder.ts";
import { gatherKv, type RowGather } from "./kv_layout.ts";

/** Least slack (free columns) worth a compaction, whatever the row lengths. */
export const COMPACT_MIN_SLACK = 32;
/** Compact when the slack exceeds this fraction of the longest row. */
export const COMPACT_SLACK_RATIO = 0.5;

/** Feeds of one ragged chunk step. */
export interface ChunkFeeds {
  /** [batch, T + S]: the row masks followed by 1 for each row's real new tokens. */
  readonly attentionMask: BigInt64Array;
  /** [batch, S]: len_r + j for the real new tokens, 0 for padding columns. */
  readonly positionIds: BigInt64Array;
}

/** One row of a gathered batch: row `row` of `batch`, or an empty row when `batch` is null. */
export interface GatherPart {
  readonly batch: KvBatch | null;
  readonly row: number;
}

/** A batch KV cache with per-row column masks (see the module doc). */
export class KvBatch {
  readonly #decoder: Decoder;
  #kv: KvTensors;
  /** [batch, capacity] row-major; columns >= length are unused. 1 = real token. */
  #mask: Uint8Array;
  #capacity: number;
  readonly #lens: number[];

  private constructor(decoder: Decoder, kv: KvTensors, mask: Uint8Array, lens: number[]) {
    this.#decoder = decoder;
    this.#kv = kv;
    this.#mask = mask;
    this.#capacity = kv.length;
    this.#lens = lens;
  }

  /** An empty cache of `batch` rows (length 0). */
  static empty(decoder: Decoder, batch: number): KvBatch {
    return new KvBatch(
      decoder,
      decoder.emptyKv(batch),
      new Uint8Array(0),
      new Array(batch).fill(0),
    );
  }

  /** Wrap a left-padded cache (row r's `lens[r]` real tokens are its last columns). Takes ownership. */
  static fromLeftPadded(decoder: Decoder, kv: KvTensors, lens: readonly number[]): KvBatch {
    const T = kv.length;
    const mask = new Uint8Array(kv.batch * T); // [batch, T]
    lens.forEach((len, r) => mask.fill(1, r * T + T - len, (r + 1) * T));
    return new KvBatch(decoder, kv, mask, [...lens]);
  }

  /**
   * A compacted cache of the given rows, in order, each right-aligned (no holes); empty parts
   * give rows of length 0. Sources are not disposed.
   */
  static async gather(decoder: Decoder, parts: readonly GatherPart[]): Promise<KvBatch> {
    const sources: KvBatch[] = [];
    const plan: RowGather[] = parts.map((p) => {
      if (p.batch === null) return { source: -1, row: 0, runs: [] };
      let s = sources.indexOf(p.batch);
      if (s < 0) s = sources.push(p.batch) - 1;
      return { source: s, row: p.row, runs: p.batch.runs(p.row) };
    });
    const lens = parts.map((p) => (p.batch === null ? 0 : p.batch.len(p.row)));
    const kv = await gatherKv(sources.map((s) => s.kv), plan, decoder.shape);
    return KvBatch.fromLeftPadded(decoder, kv, lens);
  }

  /** The cache tensors, to pass as `past` to the decoder. */
  get kv(): KvTensors {
    return this.#kv;
  }

  /** Rows. */
  get batch(): number {
    return this.#kv.batch;
  }

  /** Columns (T), real or not. */
  get length(): number {
    return this.#kv.length;
  }

  /** Real tokens of row r (= the position of its next token). */
  len(r: number): number {
    return this.#lens[r] ?? 0;
  }

  /** Columns compaction would free: T - max(len). */
  get slack(): number {
    return this.length - this.#lens.reduce((m, l) => Math.max(m, l), 0);
  }

  /**
   * Whether compaction pays: slack > max({@link COMPACT_MIN_SLACK},
   * {@link COMPACT_SLACK_RATIO} × longest row). Attention reads T columns per row each step,
   * so this bounds the extra attention work at about 1.5× (+32 columns) of a compact cache,
   * while a compaction (O(batch × T × layers × kv_heads × head_dim), plus a download and
   * upload under WebGPU) happens at most once per ~max(32, len/2) columns of growth.
   */
  shouldCompact(): boolean {
    const maxLen = this.length - this.slack;
    return this.slack > Math.max(COMPACT_MIN_SLACK, COMPACT_SLACK_RATIO * maxLen);
  }

  /** [start, end) pairs of row r's real columns, in order. */
  runs(r: number): number[] {
    const T = this.length, cap = this.#capacity, m = this.#mask;
    const runs: number[] = [];
    let start = -1;
    for (let c = 0; c < T; c++) {
      const on = m[r * cap + c] === 1;
      if (on && start < 0) start = c;
      if (!on && start >= 0) {
        runs.push(start, c);
        start = -1;
      }
    }
    if (start >= 0) runs.push(start, T);
    return runs;
  }

  /**
   * Feeds for a step of S new columns per row, of which row r's first `counts[r]` are real
   * tokens (0 <= counts[r] <= S) and the rest right padding.
   */
  chunk(counts: ArrayLike<number>, S: number): ChunkFeeds {
    const B = this.batch, T = this.length, cap = this.#capacity, m = this.#mask;
    const W = T + S;
    const attentionMask = new BigInt64Array(B * W); // [B, T + S]
    const positionIds = new BigInt64Array(B * S); // [B, S]
    for (let r = 0; r < B; r++) {
      let start = -1;
      for (let c = 0; c < T; c++) {
        const on = m[r * cap + c] === 1;
        if (on && start < 0) start = c;
        if (!on && start >= 0) {
          attentionMask.fill(1n, r * W + start, r * W + c);
          start = -1;
        }
      }
      if (start >= 0) attentionMask.fill(1n, r * W + start, r * W + T);
      const n = counts[r] ?? 0;
      attentionMask.fill(1n, r * W + T, r * W + T + n);
      const len = this.#lens[r] ?? 0;
      for (let j = 0; j < n; j++) positionIds[r * S + j] = BigInt(len + j);
    }
    return { attentionMask, positionIds };
  }

  /**
   * Adopt the present cache of a step fed with `chunk(counts, S)`: row r's first `counts[r]`
   * new columns become real, the others holes. Disposes the previous cache.
   */
  append(present: KvTensors, counts: ArrayLike<number>, S: number): void {
    const B = this.batch, T = this.length;
    if (present.batch !== B || present.length !== T + S) {
      throw new RangeError(
        `Cannot append to the KV batch as the present cache must be [${B} rows, ${
          T + S
        } columns]: current value is [${present.batch} rows, ${present.length} columns]`,
      );
    }
    if (T + S > this.#capacity) this.#grow(Math.max(T + S, 2 * this.#capacity));
    const cap = this.#capacity;
    for (let r = 0; r < B; r++) {
      const n = counts[r] ?? 0;
      this.#mask.fill(1, r * cap + T, r * cap + T + n);
      this.#mask.fill(0, r * cap + T + n, r * cap + T + S);
      this.#lens[r] = (this.#lens[r] ?? 0) + n;
    }
    const old = this.#kv;
    this.#kv = present;
    this.#decoder.disposeKv(old);
  }

  /** Keep only the first `len` real tokens of row r; its later real columns become holes. */
  truncate(r: number, len: number): void {
    let extra = (this.#lens[r] ?? 0) - len;
    if (extra < 0) {
      throw new RangeError(
        `Cannot truncate KV batch row ${r} as 'len' must be at most its length ${
          this.#lens[r] ?? 0
        }: current value is ${len}`,
      );
    }
    const cap = this.#capacity;
    for (let c = this.length - 1; c >= 0 && extra > 0; c--) {
      if (this.#mask[r * cap + c] === 1) {
        this.#mask[r * cap + c] = 0;
        extra--;
      }
    }
    this.#lens[r] = len;
  }

  /** Release the cache's GPU tensors (CPU tensors are left to GC). */
  dispose(): void {
    this.#decoder.disposeKv(this.#kv);
  }

  #grow(capacity: number): void {
    const B = this.batch, T = this.length, old = this.#capacity;
    const mask = new Uint8Array(B * capacity); // [batch, capacity]
    for (let r = 0; r < B; r++) mask.set(this.#mask.subarray(r * old, r * old + T), r * capacity);
    this.#mask = mask;
    this.#capacity = capacity;
  }
}
