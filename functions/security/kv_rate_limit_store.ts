/**
 * A rate-limit store in Cloudflare KV, shared by all isolates. KV is eventually consistent and
 * has no compare-and-swap, so concurrent requests of one client in different isolates may each
 * see a slightly stale bucket: the limit is approximate (a burst can exceed it by the number of
 * isolates serving the client), which is the usual trade-off of KV rate limiting.
 *
 * @module
 */
import { Bucket, takeToken } from "./token_bucket.ts";
import type { RateLimitStore } from "./rate_limit.ts";

/** The part of a KV namespace binding this store uses. */
export interface KvNamespaceLike {
  /** Read a value as text, or null. */
  get(key: string): Promise<string | null>;
  /** Write a value; KV requires expirationTtl >= 60 s. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/** KV's smallest allowed TTL, seconds. */
const MIN_TTL_S = 60;

/**
 * A `RateLimitStore` over a KV namespace; keys are `rl:<client key>`.
 *
 * @example
 * ```ts
 * const store = kvRateLimitStore(env.KV);
 * ```
 */
export function kvRateLimitStore(kv: KvNamespaceLike): RateLimitStore {
  return {
    async take(key, nowMs, config) {
      const kvKey = `rl:${key}`;
      const raw = await kv.get(kvKey);
      let bucket: Bucket | undefined;
      if (raw !== null) {
        try {
          const parsed = Bucket.safeParse(JSON.parse(raw));
          bucket = parsed.success ? parsed.data : undefined;
        } catch {
          bucket = undefined; // a corrupt entry starts a fresh bucket
        }
      }
      const result = takeToken(bucket, nowMs, config);
      // Long enough for a drained bucket to refill; after that a missing key means "full".
      const ttl = Math.max(MIN_TTL_S, Math.ceil(config.burst / config.ratePerSecond) + 1);
      await kv.put(kvKey, JSON.stringify(result.bucket), { expirationTtl: ttl });
      return result;
    },
  };
}
