import assert from "node:assert/strict";
import fc from "fast-check";
import { findAnnotations, findInlineEquations } from "../../../functions/verify/equations.ts";

function inline(text: string): [string, string][] {
  return findInlineEquations(text).map((e) => [e.expressionSource, e.claimedSource]);
}

Deno.test("findAnnotations() splits every <<expr=result>> at '='", () => {
  const found = findAnnotations("a <<48/2=24>>24 and $<<0.2*50=10>>10, <<3/4=3/4>>");
  assert.deepEqual(found.map((e) => [e.expression, e.claimed]), [
    ["48/2", "24"],
    ["0.2*50", "10"],
    ["3/4", "3/4"],
  ]);
});

Deno.test("findAnnotations() marks an annotation without exactly one '=' as malformed", () => {
  const found = findAnnotations("<<5*9>> <<1=1=1>>");
  assert.deepEqual(found.map((e) => e.malformed), [true, true]);
});

Deno.test("findInlineEquations() reads prose arithmetic with $, commas, x and ÷", () => {
  assert.deepEqual(inline("She earned 0.2 x 50 = $10."), [["0.2 * 50", "10"]]);
  assert.deepEqual(inline("It costs $1,200 ÷ 4 = $300 a month."), [["1200 / 4", "300"]]);
  assert.deepEqual(inline("So 100 - 50 - 30 - 15 = $5 more."), [["100 - 50 - 30 - 15", "5"]]);
  assert.deepEqual(inline("(3 + 4) * 2 = 14"), [["(3 + 4) * 2", "14"]]);
});

Deno.test("findInlineEquations() skips text already inside annotations", () => {
  assert.deepEqual(inline("Natalia sold 48/2 = <<48/2=24>>24 clips."), []);
});

Deno.test("findInlineEquations() reads chains as running computations", () => {
  assert.deepEqual(inline("2 * 23 - 4 = 46 - 4 = 42"), [["2 * 23 - 4", "46 - 4"], [
    "46 - 4",
    "42",
  ]]);
  assert.deepEqual(inline("2 + 3 = 5 + 1 = 6"), [["2 + 3", "5"], ["5 + 1", "6"]]);
});

Deno.test("findInlineEquations() reads a mixed number as one value", () => {
  assert.deepEqual(inline("3 / 4 * 2 = 1 1/2 square feet"), [["3 / 4 * 2", "(1+1/2)"]]);
});

Deno.test("findInlineEquations() leaves algebra, clock times and word-glued numbers alone", () => {
  assert.deepEqual(inline("11x+15=301"), []);
  assert.deepEqual(inline("So 100-x+40 = 120"), []);
  assert.deepEqual(inline("0900-0130 = 0730 hours"), []);
  assert.deepEqual(inline("Y + 0.20Y = 192"), []);
  assert.deepEqual(inline("v2 + 3 = 5"), [], "v2 is a name, not a number");
});

Deno.test("findInlineEquations() never throws on arbitrary text", () => {
  const mathy = fc.string({ unit: fc.constantFrom(..."0123456789.,$+-*/()x= <>ab\n") });
  fc.assert(
    fc.property(fc.oneof(fc.string(), mathy), (s) => {
      assert.ok(Array.isArray(findInlineEquations(s)));
      assert.ok(Array.isArray(findAnnotations(s)));
    }),
    { numRuns: 2000 },
  );
});
