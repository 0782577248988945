import assert from "node:assert/strict";
import {
  matchesClaim,
  printedDecimals,
  verifyArithmetic,
} from "../../../functions/verify/check.ts";
import { rational } from "../../../functions/verify/rational.ts";

Deno.test("verifyArithmetic() accepts correct annotations and inline equations", () => {
  const r = verifyArithmetic("Natalia sold 48/2 = <<48/2=24>>24 clips; 48 + 24 = 72 in all.");
  assert.equal(r.ok, true);
  assert.deepEqual(r.steps, [
    { kind: "annotation", expression: "48/2", claimed: "24", computed: "24", ok: true },
    { kind: "inline", expression: "48 + 24", claimed: "72", computed: "72", ok: true },
  ]);
});

Deno.test("verifyArithmetic() rejects an arithmetic slip (<<5*9=36>>)", () => {
  const r = verifyArithmetic("He pays <<5*9=36>>36 dollars.");
  assert.equal(r.ok, false);
  assert.deepEqual(r.steps[0], {
    kind: "annotation",
    expression: "5*9",
    claimed: "36",
    computed: "45",
    ok: false,
  });
});

Deno.test("a claimed fraction such as 3/4 is a value", () => {
  assert.equal(verifyArithmetic("<<3/4=3/4>>").ok, true);
  assert.equal(verifyArithmetic("<<6/8=3/4>>").ok, true);
  assert.equal(verifyArithmetic("<<1/2=3/4>>").ok, false);
});

Deno.test("rounding in the last printed decimal is accepted, a larger error is not", () => {
  assert.equal(verifyArithmetic("<<10/3=3.33>>").ok, true);
  assert.equal(verifyArithmetic("<<2/3=0.67>>").ok, true);
  assert.equal(
    verifyArithmetic("<<2/3=0.66>>").ok,
    false,
    "truncation is off by more than half a unit",
  );
  assert.equal(verifyArithmetic("<<10/3=3.3>>").ok, true);
  assert.equal(verifyArithmetic("<<10/3=3.4>>").ok, false);
  assert.equal(verifyArithmetic("<<100/3=33>>").ok, true);
  assert.equal(verifyArithmetic("<<100/3=34>>").ok, false);
});

Deno.test("division by zero is a failed step, not a crash", () => {
  const r = verifyArithmetic("<<5/0=0>> and <<2+2=4>>");
  assert.equal(r.ok, false);
  assert.deepEqual(r.steps[0], {
    kind: "annotation",
    expression: "5/0",
    claimed: "0",
    computed: null,
    ok: false,
    error: "division_by_zero",
  });
  assert.equal(r.steps[1]?.ok, true);
});

Deno.test("a malformed annotation is a failed syntax step", () => {
  const r = verifyArithmetic("<<5*>> <<7>>");
  assert.deepEqual(r.steps.map((s) => [s.ok, s.error]), [[false, "syntax"], [false, "syntax"]]);
});

Deno.test("a text without equations is vacuously ok", () => {
  assert.deepEqual(verifyArithmetic("No numbers here."), { ok: true, steps: [] });
});

Deno.test("printedDecimals() counts printed places; fractions compare exactly", () => {
  assert.equal(printedDecimals("3.33"), 2);
  assert.equal(printedDecimals("24"), 0);
  assert.equal(printedDecimals("-0.5"), 1);
  assert.equal(printedDecimals("3/4"), null);
  assert.equal(matchesClaim(rational(3n, 4n), rational(3n, 4n), null), true);
  assert.equal(matchesClaim(rational(3n, 4n), rational(7n, 10n), null), false);
});
