/**
 * Seeded pseudo-random numbers for sampling: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state, passes PractRand) seeded by hashing the seed and the stream number
 * with the murmur3 fmix32 finalizer into all four state words, so nearby seeds (0, 1, 2, ...)
 * give unrelated streams.
 *
 * Every batch row and every `n` choice gets its own stream: derive it with
 * `createRng(seed, stream)` or `forkRng(parent, stream)`, never by sharing one generator
 * across rows (that would make a row's tokens depend on how many tokens other rows drew).
 *
 * @module
 */
import { SamplingInputError } from "./errors.ts";

/** A source of uniform numbers in [0, 1). The samplers take one of these, never `Math.random`. */
export interface Rng {
  /** The next uniform number in [0, 1) (32 bits of randomness). */
  next(): number;
}

/** 2^32, to map an unsigned 32-bit word to [0, 1). */
const TWO_POW_32 = 4294967296;
/** Discarded outputs after seeding, so the first draws are already well mixed. */
const WARM_UP_ROUNDS = 12;

/** murmur3 fmix32 finalizer: a bijection on 32-bit words with full avalanche. */
function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a safe integer (up to 53 bits, any sign) into its low and high 32-bit words. */
function splitSafeInteger(value: number): [number, number] {
  return [value >>> 0, Math.floor(value / TWO_POW_32) | 0];
}

/** Distinct odd constants (fractional bits of square roots of primes), one per state word. */
const LANE_KEYS = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a] as const;

/**
 * Hashes any number of 32-bit words into a 128-bit sfc32 state: each state word is a separate
 * chained fmix32 hash of all inputs, so every input bit reaches every state word.
 */
function mixState(words: readonly number[]): [number, number, number, number] {
  const lane = (key: number): number => {
    let h = fmix32(key ^ words.length);
    for (const w of words) h = fmix32((h ^ w) + key);
    return h;
  };
  return [lane(LANE_KEYS[0]), lane(LANE_KEYS[1]), lane(LANE_KEYS[2]), lane(LANE_KEYS[3])];
}

function checkSafeInteger(what: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new SamplingInputError(
      `Cannot create a random number generator as '${what}' must be a safe integer: current value is ${value}`,
    );
  }
}

/**
 * The sfc32 generator. Create it with {@link createRng} or {@link forkRng}.
 *
 * State is four 32-bit words kept in a `Uint32Array(4)`; `next()` allocates nothing.
 */
export class Sfc32Rng implements Rng {
  /** [a, b, c, counter] of sfc32. */
  readonly #state: Uint32Array;

  /** @param state four 32-bit words; copied, so the caller's array is not shared. */
  constructor(state: ArrayLike<number>) {
    if (state.length !== 4) {
      throw new SamplingInputError(
        `Cannot create a random number generator as 'state' must hold 4 words: current value has ${state.length}`,
      );
    }
    this.#state = Uint32Array.from(state);
  }

  /** The next uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#state;
    const a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** The next uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A copy of the four state words, e.g. to checkpoint and later {@link Sfc32Rng} again. */
  snapshot(): [number, number, number, number] {
    const s = this.#state;
    return [s[0]!, s[1]!, s[2]!, s[3]!];
  }
}

/** Builds a generator from input words and warms it up. */
function fromWords(words: readonly number[]): Sfc32Rng {
  const rng = new Sfc32Rng(mixState(words));
  for (let i = 0; i < WARM_UP_ROUNDS; i++) rng.nextUint32();
  return rng;
}

/**
 * Creates a seeded generator. The same `(seed, stream)` always gives the same sequence;
 * different seeds or different streams give unrelated sequences.
 *
 * @param seed any safe integer (e.g. the request's `seed`).
 * @param stream which independent stream of that seed (e.g. the batch row or the `n` choice).
 * @throws {SamplingInputError} when `seed` or `stream` is not a safe integer.
 *
 * @example
 * ```ts
 * const rows = [0, 1, 2].map((row) => createRng(42, row)); // one stream per batch row
 * const u = rows[0]!.next(); // in [0, 1)
 * ```
 */
export function createRng(seed: number, stream = 0): Sfc32Rng {
  checkSafeInteger("seed", seed);
  checkSafeInteger("stream", stream);
  return fromWords([0x5eed, ...splitSafeInteger(seed), ...splitSafeInteger(stream)]);
}

/**
 * Derives an independent child generator from a parent's current state and a stream number,
 * without advancing the parent. Forking the same parent state with the same stream gives the
 * same child; different streams give unrelated children.
 *
 * @param parent the generator to fork (its state is read, not changed).
 * @param stream which child (e.g. the batch row).
 * @throws {SamplingInputError} when `stream` is not a safe integer.
 *
 * @example
 * ```ts
 * const root = createRng(7);
 * const row0 = forkRng(root, 0), row1 = forkRng(root, 1);
 * ```
 */
export function forkRng(parent: Sfc32Rng, stream: number): Sfc32Rng {
  checkSafeInteger("stream", stream);
  return fromWords([0xf0c, ...parent.snapshot(), ...splitSafeInteger(stream)]);
}
