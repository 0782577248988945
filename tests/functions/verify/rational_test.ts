import assert from "node:assert/strict";
import {
  add,
  div,
  DivisionByZeroError,
  floorDiv,
  format,
  parseDecimal,
  rational,
} from "../../../functions/verify/rational.ts";

Deno.test("rational() reduces and moves the sign to the numerator", () => {
  assert.deepEqual(rational(6n, -4n), { num: -3n, den: 2n });
  assert.deepEqual(rational(0n, 7n), { num: 0n, den: 1n });
});

Deno.test("parseDecimal() reads decimals exactly, including '.5' and '3.'", () => {
  assert.deepEqual(parseDecimal("0.25"), { num: 1n, den: 4n });
  assert.deepEqual(parseDecimal(".5"), { num: 1n, den: 2n });
  assert.deepEqual(parseDecimal("3."), { num: 3n, den: 1n });
  assert.equal(parseDecimal("."), null);
  assert.equal(parseDecimal("1.2.3"), null);
});

Deno.test("0.8 - 0.5 is exactly 0.3 in rationals (no float drift)", () => {
  const v = add(parseDecimal("0.8")!, { num: -1n, den: 2n });
  assert.equal(format(v), "0.3");
});

Deno.test("format() prints terminating decimals and otherwise a fraction", () => {
  assert.equal(format(rational(-5n, 2n)), "-2.5");
  assert.equal(format(rational(1n, 40n)), "0.025");
  assert.equal(format(rational(10n, 3n)), "10/3");
  assert.equal(format(rational(42n)), "42");
});

Deno.test("div() by zero throws DivisionByZeroError", () => {
  assert.throws(() => div(rational(1n), rational(0n)), DivisionByZeroError);
});

Deno.test("floorDiv() floors like Python's // for both signs", () => {
  assert.equal(format(floorDiv(rational(560n), rational(10n))), "56");
  assert.equal(format(floorDiv(rational(7n), rational(2n))), "3");
  assert.equal(format(floorDiv(rational(-7n), rational(2n))), "-4");
});
