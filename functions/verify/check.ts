/**
 * The arithmetic verifier behind POST /v1/verify/arithmetic: every claimed equation is
 * recomputed exactly and compared with its printed result.
 *
 * @module
 */
import type { ArithmeticStep, VerifyArithmeticResponse } from "../../shared/verify.ts";
import { findAnnotations, findInlineEquations, type FoundEquation } from "./equations.ts";
import { evaluate } from "./expression.ts";
import {
  abs,
  compare,
  format,
  mul,
  type Rational,
  rational,
  sub,
  unitInPlace,
} from "./rational.ts";

const PLAIN_DECIMAL = /^-?\d*(?:\.(\d*))?$/;

/**
 * Decimal places printed in a claimed value ("3.33" -> 2, "24" -> 0), or null when the
 * claim is not a plain decimal (a fraction such as "3/4" is compared exactly).
 */
export function printedDecimals(claimedSource: string): number | null {
  const m = PLAIN_DECIMAL.exec(claimedSource.replace(/\s+/g, ""));
  if (m === null) return null;
  return (m[1] ?? "").length;
}

/**
 * True when `computed` matches `claimed` as printed with `decimals` places: rounding in
 * the last printed decimal is accepted, i.e. |computed - claimed| <= 0.5 * 10^-decimals.
 * With `decimals` null the values must be equal.
 */
export function matchesClaim(
  computed: Rational,
  claimed: Rational,
  decimals: number | null,
): boolean {
  if (decimals === null) return compare(computed, claimed) === 0;
  const halfUnit = mul(unitInPlace(decimals), rational(1n, 2n));
  return compare(abs(sub(computed, claimed)), halfUnit) <= 0;
}

/** Check one found equation; never throws. */
export function checkEquation(eq: FoundEquation): ArithmeticStep {
  const base = { kind: eq.kind, expression: eq.expression, claimed: eq.claimed };
  if (eq.malformed) return { ...base, computed: null, ok: false, error: "syntax" };
  const computed = evaluate(eq.expressionSource);
  if (!computed.ok) return { ...base, computed: null, ok: false, error: computed.error };
  const claimed = evaluate(eq.claimedSource);
  const shown = format(computed.value);
  if (!claimed.ok) {
    // A claim like "1/0" or junk cannot equal anything.
    return { ...base, computed: shown, ok: false };
  }
  const ok = matchesClaim(computed.value, claimed.value, printedDecimals(eq.claimedSource));
  return { ...base, computed: shown, ok };
}

/**
 * Verify every `<<expr=result>>` annotation and every inline "a op b = c" in `text`.
 * Annotations come first, then inline equations, each in text order. `ok` is true when
 * every step is ok (vacuously true for a text without equations).
 *
 * @example
 * ```ts
 * verifyArithmetic("She has 48/2 = <<48/2=24>>24 clips and 2 x 3 = 7 pens.").ok; // false
 * ```
 */
export function verifyArithmetic(text: string): VerifyArithmeticResponse {
  const steps = [...findAnnotations(text), ...findInlineEquations(text)].map(checkEquation);
  return { ok: steps.every((s) => s.ok), steps };
}
