/**
 * Exact rational numbers over BigInt: the arithmetic verifier never rounds while it
 * computes (anchors.md, Prover-Verifier Games: "Evaluate with exact rationals").
 *
 * @module
 */

/** A reduced fraction `num / den` with `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Thrown by {@link div} when the divisor is zero. */
export class DivisionByZeroError extends Error {
  constructor() {
    super("Cannot divide as the divisor is 0");
    this.name = "DivisionByZeroError";
  }
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * Build a reduced rational.
 *
 * @example
 * ```ts
 * rational(6n, -4n); // { num: -3n, den: 2n }
 * ```
 */
export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new DivisionByZeroError();
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/** a + b */
export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a - b */
export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** a * b */
export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

/** a / b; throws {@link DivisionByZeroError} when b is 0. */
export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new DivisionByZeroError();
  return rational(a.num * b.den, a.den * b.num);
}

/**
 * floor(a / b), Python's `//`: GSM8K's calculator annotations were evaluated by Python,
 * and two of them use it (`560//10=56`).
 */
export function floorDiv(a: Rational, b: Rational): Rational {
  const q = div(a, b);
  let whole = q.num / q.den; // truncates toward zero
  if (q.num < 0n && whole * q.den !== q.num) whole -= 1n;
  return rational(whole);
}

/** -a */
export function neg(a: Rational): Rational {
  return { num: -a.num, den: a.den };
}

/** |a| */
export function abs(a: Rational): Rational {
  return a.num < 0n ? neg(a) : a;
}

/** -1, 0 or 1 as a compares to b. */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** True when a equals b (both are reduced, so compare the parts). */
export function equals(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

/** 10^-digits as a rational. */
export function unitInPlace(digits: number): Rational {
  return rational(1n, 10n ** BigInt(digits));
}

/**
 * Parse an unsigned decimal literal ("12", "3.5", ".5", "3.") exactly; null when the text
 * is not one.
 *
 * @example
 * ```ts
 * parseDecimal("0.25"); // { num: 1n, den: 4n }
 * ```
 */
export function parseDecimal(text: string): Rational | null {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null) return null;
  const whole = m[1] ?? "";
  const frac = m[2] ?? "";
  if (whole === "" && frac === "") return null;
  return rational(BigInt(whole + frac || "0"), 10n ** BigInt(frac.length));
}

/**
 * Print exactly: a terminating decimal ("-2.5") when the reduced denominator has no prime
 * factor other than 2 and 5, otherwise the fraction ("10/3").
 */
export function format(a: Rational): string {
  let d = a.den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) [d, twos] = [d / 2n, twos + 1];
  while (d % 5n === 0n) [d, fives] = [d / 5n, fives + 1];
  if (d !== 1n) return `${a.num}/${a.den}`;
  const places = Math.max(twos, fives);
  const scaled = (a.num * 10n ** BigInt(places)) / a.den; // exact: den divides 10^places
  const sign = scaled < 0n ? "-" : "";
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(places + 1, "0");
  if (places === 0) return sign + digits;
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}
