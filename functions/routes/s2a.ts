/**
 * POST /v1/s2a/filter: the model-free System 2 Attention filter.
 *
 * @module
 */
import { Hono } from "hono";
import { S2AFilterRequest, type S2AFilterResponse } from "../../shared/s2a.ts";
import { validate } from "../http/validate.ts";
import { filterText } from "../s2a/filter.ts";

/**
 * Routes of the model-free S2A filter, with full paths; mount with `app.route("/", ...)`.
 *
 * @example
 * ```ts
 * const app = new Hono().route("/", s2aRoutes());
 * await app.request("/v1/s2a/filter", {
 *   method: "POST",
 *   body: JSON.stringify({ text: "Tom has 3 apples. I think it's 5. How many apples?" }),
 * });
 * ```
 */
export function s2aRoutes(): Hono {
  return new Hono().post(
    "/v1/s2a/filter",
    validate("json", S2AFilterRequest),
    (c) => c.json<S2AFilterResponse>(filterText(c.req.valid("json").text)),
  );
}
