/**
 * zod validation for request parts that answers with the one error shape.
 *
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { errorBody } from "./errors.ts";

/**
 * `zValidator` with a hook that turns failures into a 400 `invalid_request` whose
 * `details` are the zod issues.
 *
 * @example
 * ```ts
 * app.post("/v1/retrieve", validate("json", RetrieveRequest), (c) => c.json(c.req.valid("json")));
 * ```
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      return c.json(
        errorBody(
          "invalid_request",
          `Invalid ${target}: ${summarize(result.error.issues)}`,
          result.error.issues,
        ),
        400,
      );
    }
  });
}

function summarize(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.slice(0, 3).map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}
