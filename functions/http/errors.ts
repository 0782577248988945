/**
 * One HTTP error type and one error handler for the whole app, so every failure leaves
 * the server as `{ error: { code, message, details? } }` with no stack trace.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../../shared/errors.ts";

/**
 * An error that maps to an HTTP status and a stable machine-readable code.
 *
 * @example
 * ```ts
 * throw new ApiError(404, "not_found", "Cannot find document 'a': no such id");
 * ```
 */
export class ApiError extends Error {
  /** HTTP status to answer with. */
  readonly status: ContentfulStatusCode;
  /** Stable error code, e.g. "invalid_request". */
  readonly code: string;
  /** Optional structured details (zod issues, limits, ...). */
  readonly details: unknown;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** Build the error body; `details` is omitted when undefined. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined
    ? { error: { code, message } }
    : { error: { code, message, details } };
}

/**
 * The app's `onError` handler: ApiError and HTTPException keep their status; anything
 * else is a 500 with a generic message (the cause is logged, never sent).
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413
      ? "payload_too_large"
      : status === 401
      ? "unauthorized"
      : "http_error";
    return c.json(errorBody(code, err.message || "Request failed"), status);
  }
  console.error("internal error:", err);
  return c.json(errorBody("internal", "Internal server error"), 500);
}

/** The app's `notFound` handler. */
export function handleNotFound(c: Context): Response {
  return c.json(errorBody("not_found", `Cannot ${c.req.method} ${c.req.path}: no such route`), 404);
}
