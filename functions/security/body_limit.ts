/**
 * Request body size limits answering 413 in the one error shape.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../http/errors.ts";

/**
 * Middleware refusing bodies larger than `maxBytes` (by Content-Length, or while streaming when
 * there is none) with 413 `payload_too_large`.
 *
 * @example
 * ```ts
 * app.post("/v1/retrieve", limitBody(64 * 1024), handler);
 * ```
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        413,
        "payload_too_large",
        `Cannot read request body as it must be at most ${maxBytes} bytes`,
        { details: { max_bytes: maxBytes } },
      );
    },
  });
}

/**
 * Middleware choosing the limit by path: the first prefix that matches wins, else `fallback`.
 */
export function limitBodyByPath(
  rules: readonly { readonly prefix: string; readonly maxBytes: number }[],
  fallback: number,
): MiddlewareHandler {
  const byRule = rules.map((r) => ({ prefix: r.prefix, handler: limitBody(r.maxBytes) }));
  const otherwise = limitBody(fallback);
  return (c, next) => {
    const rule = byRule.find((r) => c.req.path.startsWith(r.prefix));
    return (rule?.handler ?? otherwise)(c, next);
  };
}
