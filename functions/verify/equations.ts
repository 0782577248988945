/**
 * Finds the equations a solution claims: GSM8K calculator annotations `<<expr=result>>`
 * (Cobbe et al. 2021) and inline equations written as prose, "a op b = c".
 *
 * @module
 */
import { evaluate } from "./expression.ts";
import { equals } from "./rational.ts";
import {
  hasOperator,
  isLoneValue,
  mathRuns,
  type MathToken,
  render,
  splitSides,
  trimParens,
} from "./prose_tokens.ts";

/** One claimed equation found in a text. */
export interface FoundEquation {
  kind: "annotation" | "inline";
  /** The left-hand side as written. */
  expression: string;
  /** The right-hand side as written. */
  claimed: string;
  /** The left side normalized for the parser (no `$`, no thousands commas, `x` -> `*`). */
  expressionSource: string;
  /** The right side normalized for the parser. */
  claimedSource: string;
  /** Set when the annotation itself is malformed (no `=`, or several). */
  malformed?: true;
}

const ANNOTATION = /<<([^<>]*)>>/g;

/**
 * Normalize prose arithmetic for the parser: drop `$` and thousands commas, read "1 1/2"
 * as (1+1/2), map x, × and ÷.
 */
export function normalizeProse(text: string): string {
  return text
    .replace(/\$/g, "")
    .replace(/(\d+)[ \t]+(\d+\/\d+)/g, "($1+$2)") // mixed number "1 1/2"
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
    .replace(/[xX×]/g, "*")
    .replace(/÷/g, "/")
    .trim();
}

/** Every `<<expr=result>>` annotation, in order; one without exactly one `=` is malformed. */
export function findAnnotations(text: string): FoundEquation[] {
  const out: FoundEquation[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const parts = (m[1] ?? "").split("=");
    const expression = (parts[0] ?? "").trim();
    const claimed = parts.slice(1).join("=").trim();
    const eq: FoundEquation = {
      kind: "annotation",
      expression,
      claimed,
      expressionSource: expression,
      claimedSource: claimed,
    };
    out.push(parts.length === 2 ? eq : { ...eq, malformed: true });
  }
  return out;
}

/**
 * The claim a side makes about the side before it: the whole side when it is one value or
 * equals the left value ("8 * 2 + 12 = 16 + 12"), else its leading number when that
 * equals the left value (a running computation "2 + 3 = 5 + 1 = 6"), else the whole side.
 */
function chooseClaim(leftSource: string, right: MathToken[]): MathToken[] {
  if (isLoneValue(right) || right[0]?.kind !== "num") return right;
  const left = evaluate(leftSource);
  const whole = evaluate(normalizeProse(render(right)));
  if (!left.ok || (whole.ok && equals(whole.value, left.value))) return right;
  const lead = evaluate(normalizeProse(render(right.slice(0, 1))));
  return lead.ok && equals(lead.value, left.value) ? right.slice(0, 1) : right;
}

function isSyntaxError(source: string): boolean {
  const r = evaluate(source);
  return !r.ok && r.error === "syntax";
}

/**
 * Every inline equation "a op b = c" outside annotations, in order. In a chain
 * "a + b = c + d = e" each side with an operator is checked against the next side (see
 * `chooseClaim` for how a next side that is itself an expression is read).
 */
export function findInlineEquations(text: string): FoundEquation[] {
  // Blank out annotations so "48/2 = <<48/2=24>>24" is not read twice.
  const masked = text.replace(ANNOTATION, (m) => "\u0001".repeat(m.length));
  const out: FoundEquation[] = [];
  for (const run of mathRuns(masked)) {
    const sides = splitSides(run);
    for (let i = 0; i + 1 < sides.length; i++) {
      const left = trimParens(sides[i] ?? []);
      const right = trimParens(sides[i + 1] ?? []);
      if (left.length === 0 || right.length === 0 || !hasOperator(left)) continue;
      const expression = render(left);
      const expressionSource = normalizeProse(expression);
      const claimed = render(chooseClaim(expressionSource, right));
      const claimedSource = normalizeProse(claimed);
      // Prose that only looks like arithmetic ("5 + = 3", "3 - - ") is not an equation.
      if (isSyntaxError(expressionSource) || isSyntaxError(claimedSource)) continue;
      out.push({ kind: "inline", expression, claimed, expressionSource, claimedSource });
    }
  }
  return out;
}
