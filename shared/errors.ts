/**
 * The one error shape every Verity endpoint returns.
 *
 * @module
 */
import { z } from "zod";

/** `{ error: { code, message, details? } }` — the body of every non-2xx response. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
/** The body of every non-2xx response. */
export type ErrorBody = z.infer<typeof ErrorBody>;
