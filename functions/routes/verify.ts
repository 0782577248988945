/**
 * POST /v1/verify/arithmetic: the exact arithmetic verifier for prover-verifier best-of-n.
 *
 * @module
 */
import { Hono } from "hono";
import { VerifyArithmeticRequest, type VerifyArithmeticResponse } from "../../shared/verify.ts";
import { validate } from "../http/validate.ts";
import { verifyArithmetic } from "../verify/check.ts";

/**
 * Routes of the arithmetic verifier, with full paths; mount with `app.route("/", ...)`.
 *
 * @example
 * ```ts
 * const app = new Hono().route("/", verifyRoutes());
 * await app.request("/v1/verify/arithmetic", {
 *   method: "POST",
 *   body: JSON.stringify({ text: "<<48/2=24>>" }),
 * });
 * ```
 */
export function verifyRoutes(): Hono {
  return new Hono().post(
    "/v1/verify/arithmetic",
    validate("json", VerifyArithmeticRequest),
    (c) => c.json<VerifyArithmeticResponse>(verifyArithmetic(c.req.valid("json").text)),
  );
}
