/**
 * Typed errors of the pipeline driver. Each keeps a distinct `name` (and its `cause`) so the
 * UI can tell an unreachable edge from an edge that refused a request, a broken response or a
 * stop by the user, and offer the fitting way to recover.
 *
 * @module
 */

/** The edge could not be reached (network failure, DNS, refused connection, CORS). */
export class EdgeUnreachableError extends Error {
  /** The URL that could not be fetched. */
  readonly url: string;
  constructor(message: string, url: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EdgeUnreachableError";
    this.url = url;
  }
}

/** The edge answered with its error shape `{ error: { code, message, details? } }`. */
export class EdgeRequestError extends Error {
  /** HTTP status of the response. */
  readonly status: number;
  /** The edge's machine-readable code, e.g. "state_expired" or "invalid_request". */
  readonly code: string;
  /** The edge's `details`, if any. */
  readonly details: unknown;
  /** Seconds to wait before retrying (the Retry-After header of a 429 or 503), if given. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    init: { status: number; code: string; details?: unknown; retryAfterSeconds?: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "EdgeRequestError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** A response (or an action inside it) does not match the step protocol's schemas. */
export class EdgeResponseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EdgeResponseError";
  }
}

/** The run was stopped through its AbortSignal. */
export class PipelineAbortedError extends Error {
  constructor(message = "Cannot finish the pipeline as it was aborted", options?: ErrorOptions) {
    super(message, options);
    this.name = "PipelineAbortedError";
  }
}

/** The edge asked for something this client cannot run (e.g. a protocol limit). */
export class PipelineRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PipelineRequestError";
  }
}
