/**
 * Finds the equations a solution claims: GSM8K calculator annotations `<<expr=result>>`
 * (Cobbe et al. 2021) and inline equations written as prose, "a op b = c".
 *
 * @module
 */

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

const LONE_VALUE = /^-?\$?[\d.,]+(?:\s*\/\s*\$?[\d.,]+)?$/;
/** Normalize prose arithmetic for the parser: drop `$` and thousands commas, map x, ×, ÷. */
export function normalizeProse(text: string): string {
  return text
    .replace(/\$/g, "")
    .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
    .replace(/[xX×]/g, "*")
    .replace(/÷/g, "/")
    .trim();
}

/** Every `<<expr=result>>` annotation, in order. */
export function findAnnotations(text: string): FoundEquation[] {
  const out: FoundEquation[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const body = m[1] ?? "";
    const parts = body.split("=");
    if (parts.length !== 2) {
      out.push({
        kind: "annotation",
        expression: parts[0] ?? "",
        claimed: parts.slice(1).join("="),
        expressionSource: parts[0] ?? "",
        claimedSource: parts.slice(1).join("="),
        malformed: true,
      });
      continue;
    }
    const [left = "", right = ""] = parts;
    out.push({
      kind: "annotation",
      expression: left.trim(),
      claimed: right.trim(),
      expressionSource: left.trim(),
      claimedSource: right.trim(),
    });
  }
  return out;
}

/**
 * Every inline equation "a op b = c" outside annotations, in order. A chain
 * "a + b = c + d = e" is read as a running computation: each side with an operator is
 * checked against the next side, or against its leading number when the next side is
 * itself an expression that starts with a number.
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
      const claimedTokens = isLoneValue(right) || right[0]?.kind !== "num" ? right : right.slice(0, 1);
      const expression = render(left);
      const claimed = render(claimedTokens);
      const expressionSource = normalizeProse(expression);
      const claimedSource = normalizeProse(claimed);
      // Prose that only looks like arithmetic ("5 + = 3") is not an equation.
      if (evaluate(expressionSource).ok === false && evaluate(expressionSource).error === "syntax") continue;
      if (evaluate(claimedSource).ok === false && evaluate(claimedSource).error === "syntax") continue;
      out.push({ kind: "inline", expression, claimed, expressionSource, claimedSource });
    }
  }
  return out;
}
