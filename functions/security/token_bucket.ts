/**
 * Token-bucket arithmetic (pure): a bucket refills at `ratePerSecond` up to `burst` tokens and
 * each request takes one.
 *
 * @module
 */
import { z } from "zod";

/** A bucket's state. */
export const Bucket = z.object({
  /** Tokens left (fractional while refilling). */
  tokens: z.number(),
  /** When `tokens` was computed, ms since epoch. */
  updatedMs: z.number(),
});
/** A bucket's state. */
export type Bucket = z.infer<typeof Bucket>;

/** Refill rate and capacity. */
export interface BucketConfig {
  /** Tokens added per second (> 0). */
  readonly ratePerSecond: number;
  /** Capacity (>= 1). */
  readonly burst: number;
}

/** The outcome of taking a token. */
export interface TakeResult {
  /** Whether the request may proceed. */
  readonly allowed: boolean;
  /** The bucket after the attempt (store it). */
  readonly bucket: Bucket;
  /** Seconds until a token is available (0 when allowed). */
  readonly retryAfterSeconds: number;
}

/**
 * Take one token from a bucket (a missing bucket starts full).
 *
 * @example
 * ```ts
 * const r = takeToken(undefined, Date.now(), { ratePerSecond: 1, burst: 2 }); // allowed, 1 left
 * ```
 */
export function takeToken(
  bucket: Bucket | undefined,
  nowMs: number,
  config: BucketConfig,
): TakeResult {
  const elapsed = bucket === undefined ? 0 : Math.max(0, nowMs - bucket.updatedMs) / 1000;
  const tokens = bucket === undefined
    ? config.burst
    : Math.min(config.burst, bucket.tokens + elapsed * config.ratePerSecond);
  if (tokens >= 1) {
    return {
      allowed: true,
      bucket: { tokens: tokens - 1, updatedMs: nowMs },
      retryAfterSeconds: 0,
    };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / config.ratePerSecond));
  return { allowed: false, bucket: { tokens, updatedMs: nowMs }, retryAfterSeconds };
}
