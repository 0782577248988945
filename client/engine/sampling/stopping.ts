/**
 * Per-row stopping criteria: `max_tokens`, end-of-sequence token ids and stop strings found
 * in the incrementally decoded text, including a stop string split across several tokens.
 * Built for streaming: text that might be the start of a stop string is held back until the
 * next tokens show whether it is one, so a stop string is never emitted, even in part.
 *
 * @module
 */
import { SamplingInputError } from "./errors.ts";

/** Why a row finished: a stop string or end-of-sequence token (`"stop"`), or `max_tokens`. */
export type FinishReason = "stop" | "length";

/** What a row's {@link StoppingCriteria} checks. */
export interface StoppingOptions {
  /** Most tokens the row may generate (end-of-sequence included); a positive integer or Infinity. */
  readonly maxTokens: number;
  /** Token ids that end the row (e.g. `generation_config.eos_token_id`); their text is dropped. */
  readonly eosTokenIds?: ArrayLike<number>;
  /** Stop strings (non-empty); the output ends just before the first one found. */
  readonly stop?: readonly string[];
}

/** Whether `text` ends with the first `length` characters of `pattern` (no allocation). */
function endsWithPrefix(text: string, pattern: string, length: number): boolean {
  const start = text.length - length;
  for (let j = 0; j < length; j++) {
    if (text.charCodeAt(start + j) !== pattern.charCodeAt(j)) return false;
  }
  return true;
}

/**
 * Tracks one row's generated text and decides when it stops.
 *
 * Feed every sampled token with the text it added (the detokenizer's delta) to {@link push};
 * stream what {@link takeEmittable} returns; read {@link finalText} when finished.
 *
 * @example
 * ```ts
 * const stopping = new StoppingCriteria({ maxTokens: 64, eosTokenIds: [2], stop: ["\n\n"] });
 * for (;;) {
 *   const token = sampler.sample(row, rng, history);
 *   const reason = stopping.push(token, decoder.delta(token));
 *   emit(stopping.takeEmittable());
 *   if (reason !== null) break; // "stop" or "length"
 * }
 * stopping.finalText(); // the text without the stop string
 * ```
 */
export class StoppingCriteria {
  readonly #maxTokens: number;
  readonly #eos: ReadonlySet<number>;
  readonly #stop: readonly string[];
  /** Longest stop string length, bounding the rescan window and the held-back suffix. */
  readonly #maxStopLength: number;
  #text = "";
  #tokenCount = 0;
  /** Characters of `#text` that may be emitted now. */
  #safeLength = 0;
  /** Characters of `#text` already handed out by `takeEmittable`. */
  #emitted = 0;
  #finishReason: FinishReason | null = null;

  /** @throws {SamplingInputError} on a bad `maxTokens` or an empty stop string. */
  constructor(options: StoppingOptions) {
    const { maxTokens } = options;
    if (!(maxTokens === Infinity || (Number.isInteger(maxTokens) && maxTokens >= 1))) {
      throw new SamplingInputError(
        `Cannot build stopping criteria as 'maxTokens' must be a positive integer or Infinity: current value is ${maxTokens}`,
      );
    }
    const stop = options.stop ?? [];
    stop.forEach((s, i) => {
      if (s.length === 0) {
        throw new SamplingInputError(
          `Cannot build stopping criteria as 'stop[${i}]' must be a non-empty string: current value is ""`,
        );
      }
    });
    this.#maxTokens = maxTokens;
    this.#eos = new Set(Array.from(options.eosTokenIds ?? []));
    this.#stop = [...stop];
    this.#maxStopLength = stop.reduce((m, s) => Math.max(m, s.length), 0);
  }

  /** Whether the row has finished. */
  get finished(): boolean {
    return this.#finishReason !== null;
  }

  /** `"stop"`, `"length"`, or null while the row runs. */
  get finishReason(): FinishReason | null {
    return this.#finishReason;
  }

  /** Tokens pushed so far (end-of-sequence included). */
  get tokenCount(): number {
    return this.#tokenCount;
  }

  /** How many characters of the text are safe to emit now (all of {@link finalText} once finished). */
  get safeLength(): number {
    return this.#safeLength;
  }

  /**
   * Records one generated token and the text it decoded to, and checks every criterion:
   * an end-of-sequence id finishes with `"stop"` (its text is dropped); a stop string found
   * in the text (possibly spanning earlier tokens) finishes with `"stop"` and cuts the text
   * before it; otherwise reaching `maxTokens` finishes with `"length"`. Cost: O(delta + longest
   * stop string) per stop string.
   *
   * @param tokenId the sampled token id.
   * @param textDelta the text this token added to the decoded output.
   * @returns the finish reason, or null while the row runs.
   * @throws {SamplingInputError} when the row has already finished.
   */
  push(tokenId: number, textDelta: string): FinishReason | null {
    if (this.#finishReason !== null) {
      throw new SamplingInputError(
        `Cannot push a token as the row must be running: current value of 'finishReason' is "${this.#finishReason}"`,
      );
    }
    this.#tokenCount++;
    if (this.#eos.has(tokenId)) return this.#finish("stop", this.#text.length);
    const previousLength = this.#text.length;
    this.#text += textDelta;
    if (this.#stop.length > 0) {
      // A stop string not found before must end inside the new text, so it starts at most
      // (longest stop - 1) characters before it.
      const from = Math.max(0, previousLength - this.#maxStopLength + 1);
      let first = -1;
      for (const s of this.#stop) {
        const at = this.#text.indexOf(s, from);
        if (at >= 0 && (first < 0 || at < first)) first = at;
      }
      if (first >= 0) return this.#finish("stop", first);
    }
    if (this.#tokenCount >= this.#maxTokens) return this.#finish("length", this.#text.length);
    this.#safeLength = this.#text.length - this.#heldBack();
    return null;
  }

  /**
   * The text that became safe to emit since the last call (empty when none). Once the row has
   * finished, this includes any held-back text that turned out not to be a stop string.
   */
  takeEmittable(): string {
    if (this.#emitted >= this.#safeLength) return "";
    const chunk = this.#text.slice(this.#emitted, this.#safeLength);
    this.#emitted = this.#safeLength;
    return chunk;
  }

  /**
   * The row's output text: everything decoded so far, cut before the stop string when one was
   * found; the end-of-sequence token's text is never included. While the row runs this still
   * includes the held-back suffix.
   */
  finalText(): string {
    return this.#text;
  }

  /** Longest suffix of the text that is a proper prefix of some stop string. */
  #heldBack(): number {
    let held = 0;
    const text = this.#text;
    for (const s of this.#stop) {
      for (let k = Math.min(s.length - 1, text.length); k > held; k--) {
        if (endsWithPrefix(text, s, k)) {
          held = k;
          break;
        }
      }
    }
    return held;
  }

  #finish(reason: FinishReason, textLength: number): FinishReason {
    this.#finishReason = reason;
    this.#text = this.#text.slice(0, textLength);
    this.#safeLength = textLength;
    return reason;
  }
}
