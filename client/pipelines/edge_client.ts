/**
 * POST a JSON body to the edge and zod-parse the answer, turning every failure into a typed
 * error: unreachable edge, the edge's error shape, a body that is not what the schema says,
 * or an abort.
 *
 * @module
 */
import type { z } from "zod";
import { ErrorBody } from "../../shared/errors.ts";
import {
  EdgeRequestError,
  EdgeResponseError,
  EdgeUnreachableError,
  PipelineAbortedError,
} from "./errors.ts";

/** Where the edge lives and how to reach it. */
export interface EdgeConnection {
  /** Origin (and optional base path) of the edge, e.g. "http://127.0.0.1:8000". */
  readonly edgeUrl: string;
  /** The fetch to use (defaults to the global one). */
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** The absolute URL of `path` on the edge. */
export function edgeEndpoint(edgeUrl: string, path: string): string {
  return `${edgeUrl.replace(/\/+$/, "")}${path}`;
}

/** Throw PipelineAbortedError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new PipelineAbortedError(undefined, { cause: signal.reason });
  }
}

function summary(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join(".") || "(root)";
  return `'${path}' ${issue?.message ?? "is invalid"}`;
}

async function readJson(res: Response, url: string, signal?: AbortSignal): Promise<unknown> {
  const text = await res.text().catch((cause: unknown) => {
    throwIfAborted(signal);
    throw new EdgeUnreachableError(
      `Cannot read the answer of ${url} as the connection failed: ${String(cause)}`,
      url,
      { cause },
    );
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new EdgeResponseError(
      `Cannot read the answer of ${url} as it must be JSON: HTTP ${res.status}, body starts with ${
        JSON.stringify(text.slice(0, 80))
      }`,
      { cause },
    );
  }
}

/**
 * POST `body` to `path` and parse a 2xx answer with `schema`.
 *
 * @example
 * ```ts
 * const res = await postEdge({ edgeUrl: "http://127.0.0.1:8000" }, "/v1/s2a/filter",
 *   { text: "I think it is 5. How many?" }, S2AFilterResponse);
 * ```
 */
export async function postEdge<T>(
  conn: EdgeConnection,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  throwIfAborted(conn.signal);
  const url = edgeEndpoint(conn.edgeUrl, path);
  const doFetch = conn.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(conn.signal !== undefined ? { signal: conn.signal } : {}),
    });
  } catch (cause) {
    throwIfAborted(conn.signal);
    throw new EdgeUnreachableError(
      `Cannot reach the edge at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
      url,
      { cause },
    );
  }
  const json = await readJson(res, url, conn.signal);
  if (!res.ok) {
    const err = ErrorBody.safeParse(json);
    if (!err.success) {
      throw new EdgeResponseError(
        `Cannot read the error of ${url} as it must be { error: { code, message } }: HTTP ${res.status}, ${
          summary(err.error)
        }`,
      );
    }
    const { code, message, details } = err.data.error;
    const retry = Number(res.headers.get("retry-after") ?? Number.NaN);
    throw new EdgeRequestError(`The edge refused ${path} with ${res.status} ${code}: ${message}`, {
      status: res.status,
      code,
      ...(details !== undefined ? { details } : {}),
      ...(Number.isFinite(retry) && retry >= 0 ? { retryAfterSeconds: retry } : {}),
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new EdgeResponseError(
      `Cannot use the answer of ${path} as it does not match the protocol: ${
        summary(parsed.error)
      }`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
