/**
 * Per-client rate limiting: a token bucket per client key, kept in a `RateLimitStore` (an
 * in-memory map under Deno, KV under Workers), answering 429 with Retry-After.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../http/errors.ts";
import { type Bucket, type BucketConfig, type TakeResult, takeToken } from "./token_bucket.ts";

/** Where buckets live. */
export interface RateLimitStore {
  /** Take one token from `key`'s bucket at `nowMs`. */
  take(key: string, nowMs: number, config: BucketConfig): Promise<TakeResult>;
}

/**
 * An in-memory store for one process. At most `maxKeys` buckets are kept; the least recently
 * used one is evicted beyond that (an evicted client simply starts with a full bucket).
 */
export function memoryRateLimitStore(maxKeys = 10_000): RateLimitStore {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, nowMs, config) {
      const result = takeToken(buckets.get(key), nowMs, config);
      buckets.delete(key); // re-insert to keep Map order = recency
      buckets.set(key, result.bucket);
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next();
        if (oldest.done !== true) buckets.delete(oldest.value);
      }
      return Promise.resolve(result);
    },
  };
}

/** Options of the rate-limit middleware. */
export interface RateLimitOptions {
  /** Bucket store. */
  readonly store: RateLimitStore;
  /** Refill rate (0 disables the middleware) and capacity. */
  readonly config: BucketConfig;
  /** Current time, ms since epoch. */
  readonly now: () => number;
  /** The client key of a request (its address). */
  readonly clientKey: (c: Context) => string;
}

/**
 * Middleware: one token per request per client; 429 `rate_limited` with Retry-After when empty.
 *
 * @example
 * ```ts
 * app.use("/v1/*", rateLimit({ store: memoryRateLimitStore(), config, now: Date.now, clientKey }));
 * ```
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.config.ratePerSecond <= 0) return await next();
    const result = await options.store.take(options.clientKey(c), options.now(), options.config);
    if (!result.allowed) {
      const retryAfter = String(result.retryAfterSeconds);
      throw new ApiError(
        429,
        "rate_limited",
        `Cannot serve request as the client exceeded ${options.config.ratePerSecond} requests per second: retry after ${retryAfter} s`,
        {
          headers: { "Retry-After": retryAfter },
          details: { retry_after_s: result.retryAfterSeconds },
        },
      );
    }
    await next();
  };
}
