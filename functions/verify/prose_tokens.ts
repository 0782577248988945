/**
 * A linear-time tokenizer that finds runs of arithmetic inside prose ("she paid
 * $1,200 x 3 = $3,600 in total") without a backtracking regular expression.
 *
 * @module
 */

/** One token of a math run. */
export interface MathToken {
  kind: "num" | "op" | "open" | "close" | "eq";
  /** The token as written. */
  text: string;
}

// A number as written in prose: optional $, thousands commas, decimals. Sticky, so it is
// only tried at one position (no scanning, no catastrophic backtracking).
const NUM = /\$?(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)/y;
// The fraction part of a mixed number: " 1/2" right after a whole number.
const MIXED = /[ \t]+\d+\/\d+(?![\d.\/])/y;
const OPS = new Set(["+", "-", "*", "/", "×", "÷", "x", "X"]);

function isLetter(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}_]/u.test(c);
}

/**
 * Split `text` into maximal runs of math tokens (numbers, operators, parentheses, `=`,
 * separated only by spaces or tabs). Algebra and other look-alikes are left out: a run
 * is dropped when a number is glued to a one-letter variable ("11x", "0.2Y"), when an
 * operator touches a word ("100-x+40", "3-times"), or when a number has a leading zero
 * ("0900", clock times). A number with a unit glued after it ("5cm") ends its run; "1 1/2"
 * is one mixed number; `x` is an operator only between operands.
 */
export function mathRuns(text: string): MathToken[][] {
  const runs: MathToken[][] = [];
  let run: MathToken[] = [];
  let tainted = false;
  let startsAfterLetter = false;
  let lastSolid = ""; // last non-space character seen before the current position
  let tokenEnd = -1; // index just past the last token pushed to `run`
  const flush = (atLetter: boolean) => {
    const first = run[0];
    const last = run[run.length - 1];
    const touchesWord = (first?.kind === "op" && startsAfterLetter) ||
      (last?.kind === "op" && atLetter);
    if (run.length > 0 && !tainted && !touchesWord) runs.push(run);
    run = [];
    tainted = false;
  };
  const push = (t: MathToken, at: number) => {
    if (run.length === 0) startsAfterLetter = isLetter(lastSolid);
    run.push(t);
    tokenEnd = at + t.text.length;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    const prev = run[run.length - 1];
    const before = text[i - 1];
    const glued = before !== undefined && /[\p{L}\p{N}_.]/u.test(before) && tokenEnd !== i;
    NUM.lastIndex = i;
    const m = /[\d.$]/.test(c) && !glued ? NUM.exec(text) : null;
    if (m !== null) {
      let literal = m[0];
      MIXED.lastIndex = i + literal.length;
      const mixed = /^\$?\d+$/.test(literal) ? MIXED.exec(text) : null;
      if (mixed !== null) literal += mixed[0]; // "1 1/2"
      if (prev?.kind === "num" || prev?.kind === "close") flush(false);
      if (/^\$?0\d/.test(literal)) tainted = true;
      push({ kind: "num", text: literal }, i);
      i += literal.length;
      const after = text[i];
      if (isLetter(after)) {
        const variable = !isLetter(text[i + 1]);
        const timesOperand = (after === "x" || after === "X") &&
          /[ \t]*[\d$(.]/y.test(text.slice(i + 1, i + 3));
        if (variable && !timesOperand) {
          tainted = true;
          flush(true);
        } else if (!timesOperand) flush(false); // "5cm": the unit ends the run
      }
      lastSolid = literal.slice(-1);
      continue;
    }
    const afterOperand = prev?.kind === "num" || prev?.kind === "close";
    if (c === "x" || c === "X") {
      const nextSolid = /[ \t]*(.)/y.exec(text.slice(i + 1))?.[1];
      const operand = nextSolid !== undefined && /[\d$(.]/.test(nextSolid);
      if (afterOperand && operand && !isLetter(before) && !isLetter(text[i + 1])) {
        push({ kind: "op", text: c }, i);
      } else flush(true);
    } else if (OPS.has(c)) push({ kind: "op", text: c }, i);
    else if (c === "(") push({ kind: "open", text: c }, i);
    else if (c === ")") push({ kind: "close", text: c }, i);
    else if (c === "=") push({ kind: "eq", text: c }, i);
    else flush(isLetter(c));
    lastSolid = c;
    i++;
  }
  flush(false);
  return runs;
}

/** Split a run at `=` into sides. */
export function splitSides(run: readonly MathToken[]): MathToken[][] {
  const sides: MathToken[][] = [[]];
  for (const t of run) {
    if (t.kind === "eq") sides.push([]);
    else sides[sides.length - 1]?.push(t);
  }
  return sides;
}

/** Drop unmatched parentheses at the ends of a side ("(so 3 + 4" -> "3 + 4"). */
export function trimParens(side: readonly MathToken[]): MathToken[] {
  let tokens = [...side];
  for (;;) {
    let depth = 0;
    let minDepth = 0;
    for (const t of tokens) {
      if (t.kind === "open") depth++;
      if (t.kind === "close") minDepth = Math.min(minDepth, --depth);
    }
    if (minDepth < 0 && tokens[tokens.length - 1]?.kind === "close") tokens = tokens.slice(0, -1);
    else if (depth - minDepth > 0 && tokens[0]?.kind === "open") tokens = tokens.slice(1);
    else return tokens;
  }
}

/** True when a side applies an operator after its first operand (a leading "-" is a sign). */
export function hasOperator(side: readonly MathToken[]): boolean {
  const first = side.findIndex((t) => t.kind === "num");
  return first >= 0 && side.slice(first + 1).some((t) => t.kind === "op");
}

/** True when a side is one value: "-5", "$3.50", "3/4". */
export function isLoneValue(side: readonly MathToken[]): boolean {
  const kinds = side.map((t) => t.kind === "op" ? t.text : t.kind).join(" ");
  return kinds === "num" || kinds === "- num" || kinds === "num / num";
}

/** Print tokens back, operators spaced ("3 + 4", "(3 + 4) * 2", "-5"). */
export function render(side: readonly MathToken[]): string {
  let out = "";
  side.forEach((t, i) => {
    const prev = side[i - 1];
    const unary = t.kind === "op" &&
      (prev === undefined || prev.kind === "op" || prev.kind === "open");
    if (t.kind === "op" && !unary) out += ` ${t.text} `;
    else if (t.kind === "num" || t.kind === "open" || t.kind === "close" || unary) out += t.text;
  });
  return out.trim();
}
