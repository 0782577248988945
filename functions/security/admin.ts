/**
 * Bearer admin-key check of the write endpoints, with a constant-time comparison.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/errors.ts";

const encoder = new TextEncoder();

/**
 * Compare two strings in time independent of where they differ: both are hashed with SHA-256
 * (so lengths leak nothing either) and the digests are compared with an XOR accumulator.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Middleware that lets a request through only with `Authorization: Bearer <adminKey>`.
 * With no key configured every request is refused (403); a missing or wrong key is 401.
 *
 * @example
 * ```ts
 * app.post("/v1/documents", requireAdmin(settings.adminKey), handler);
 * ```
 */
export function requireAdmin(adminKey: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (adminKey === undefined) {
      throw new ApiError(
        403,
        "admin_disabled",
        "Cannot write as no admin key is configured: set VERITY_ADMIN_KEY on the server",
      );
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match === null || !(await constantTimeEqual(match[1] ?? "", adminKey))) {
      throw new ApiError(
        401,
        "unauthorized",
        "Cannot write as 'Authorization' must be \"Bearer <admin key>\" with the configured key",
        { headers: { "WWW-Authenticate": 'Bearer realm="verity"' } },
      );
    }
    await next();
  };
}
