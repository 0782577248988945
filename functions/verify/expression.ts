/**
 * A small recursive-descent parser and exact evaluator for arithmetic over decimals:
 * digits, `.`, `+ - * /`, parentheses and unary minus/plus (and Python's floor division
 * `//`, which GSM8K's calculator understood). Never `eval`, never throws:
 * junk yields `{ ok: false, error: "syntax" }`.
 *
 * Grammar:
 * ```
 * expr    := term (("+" | "-") term)*
 * term    := unary (("*" | "/" | "//") unary)*
 * unary   := ("-" | "+") unary | primary
 * primary := number | "(" expr ")"
 * ```
 *
 * @module
 */
import {
  add,
  div,
  DivisionByZeroError,
  floorDiv,
  mul,
  neg,
  parseDecimal,
  type Rational,
  sub,
} from "./rational.ts";

/** Longest expression evaluated, in characters (longer ones are `too_large`). */
export const MAX_EXPRESSION_CHARS = 2_000;
/** Deepest nesting of parentheses and unary signs evaluated. */
export const MAX_DEPTH = 100;
/** Longest number literal evaluated, in characters. */
export const MAX_NUMBER_CHARS = 60;

/** Outcome of evaluating one expression. */
export type EvalResult =
  | { ok: true; value: Rational }
  | { ok: false; error: "syntax" | "division_by_zero" | "too_large" };

class SyntaxFailure extends Error {
  constructor(readonly kind: "syntax" | "too_large") {
    super(kind);
    this.name = "SyntaxFailure";
  }
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): Rational {
    const value = this.expr();
    this.skipSpace();
    if (this.pos !== this.src.length) throw new SyntaxFailure("syntax");
    return value;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] ?? "")) this.pos++;
  }

  private peek(): string {
    this.skipSpace();
    return this.src[this.pos] ?? "";
  }

  private expr(): Rational {
    let left = this.term();
    for (let op = this.peek(); op === "+" || op === "-"; op = this.peek()) {
      this.pos++;
      const right = this.term();
      left = op === "+" ? add(left, right) : sub(left, right);
    }
    return left;
  }

  private term(): Rational {
    let left = this.unary();
    for (let op = this.peek(); op === "*" || op === "/"; op = this.peek()) {
      this.pos++;
      const floor = op === "/" && this.src[this.pos] === "/";
      if (floor) this.pos++;
      const right = this.unary();
      left = op === "*" ? mul(left, right) : floor ? floorDiv(left, right) : div(left, right);
    }
    return left;
  }

  private unary(): Rational {
    const c = this.peek();
    if (c !== "-" && c !== "+") return this.primary();
    this.pos++;
    this.enter();
    const value = this.unary();
    this.depth--;
    return c === "-" ? neg(value) : value;
  }

  private primary(): Rational {
    const c = this.peek();
    if (c === "(") {
      this.pos++;
      this.enter();
      const value = this.expr();
      if (this.peek() !== ")") throw new SyntaxFailure("syntax");
      this.pos++;
      this.depth--;
      return value;
    }
    const m = /^\d*\.?\d*/.exec(this.src.slice(this.pos));
    const literal = m?.[0] ?? "";
    if (literal.length > MAX_NUMBER_CHARS) throw new SyntaxFailure("too_large");
    const value = parseDecimal(literal);
    if (value === null) throw new SyntaxFailure("syntax");
    this.pos += literal.length;
    return value;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SyntaxFailure("too_large");
  }
}

/**
 * Evaluate an arithmetic expression exactly.
 *
 * @example
 * ```ts
 * evaluate("(1.5 + 2) * -2"); // { ok: true, value: { num: -7n, den: 1n } }
 * evaluate("1/0");            // { ok: false, error: "division_by_zero" }
 * ```
 */
export function evaluate(source: string): EvalResult {
  if (source.length > MAX_EXPRESSION_CHARS) return { ok: false, error: "too_large" };
  try {
    return { ok: true, value: new Parser(source).parse() };
  } catch (err) {
    if (err instanceof DivisionByZeroError) return { ok: false, error: "division_by_zero" };
    if (err instanceof SyntaxFailure) return { ok: false, error: err.kind };
    if (err instanceof RangeError) return { ok: false, error: "too_large" }; // BigInt limits
    throw err;
  }
}
