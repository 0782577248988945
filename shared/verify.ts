/**
 * Wire types of the arithmetic verifier (POST /v1/verify/arithmetic).
 *
 * @module
 */
import { z } from "zod";

/** Largest text the verifier accepts, in characters. */
export const MAX_VERIFY_TEXT_CHARS = 100_000;

/** POST /v1/verify/arithmetic body. */
export const VerifyArithmeticRequest = z.object({
  text: z.string().max(MAX_VERIFY_TEXT_CHARS),
});
/** POST /v1/verify/arithmetic body. */
export type VerifyArithmeticRequest = z.infer<typeof VerifyArithmeticRequest>;

/**
 * One checked equation. `computed` is the exact value of `expression` (a terminating
 * decimal, or `n/d` when it does not terminate) or null when it cannot be computed;
 * `error` says why (`division_by_zero`, `syntax`, `too_large`).
 */
export const ArithmeticStep = z.object({
  kind: z.enum(["annotation", "inline"]),
  expression: z.string(),
  claimed: z.string(),
  computed: z.string().nullable(),
  ok: z.boolean(),
  error: z.enum(["division_by_zero", "syntax", "too_large"]).optional(),
});
/** One checked equation. */
export type ArithmeticStep = z.infer<typeof ArithmeticStep>;

/** POST /v1/verify/arithmetic response; `ok` is true when every step is ok. */
export const VerifyArithmeticResponse = z.object({
  ok: z.boolean(),
  steps: z.array(ArithmeticStep),
});
/** POST /v1/verify/arithmetic response. */
export type VerifyArithmeticResponse = z.infer<typeof VerifyArithmeticResponse>;
