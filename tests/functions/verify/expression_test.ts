import assert from "node:assert/strict";
import fc from "fast-check";
import { evaluate } from "../../../functions/verify/expression.ts";
import { format } from "../../../functions/verify/rational.ts";

function value(src: string): string {
  const r = evaluate(src);
  if (!r.ok) throw new Error(`expected a value for ${src}, got ${r.error}`);
  return format(r.value);
}

Deno.test("evaluate() honours precedence, parentheses and unary minus", () => {
  assert.equal(value("2+3*4"), "14");
  assert.equal(value("(2+3)*4"), "20");
  assert.equal(value("-3--2"), "-1");
  assert.equal(value("-(1.5+2) * 2"), "-7");
  assert.equal(value("100-50-30-15"), "5");
  assert.equal(value("12/60"), "0.2");
  assert.equal(value("1/3+1/6"), "0.5");
  assert.equal(value(" 4 / ( 1 / 8 ) "), "32");
});

Deno.test("evaluate() reports division by zero instead of throwing", () => {
  assert.deepEqual(evaluate("5/(2-2)"), { ok: false, error: "division_by_zero" });
});

Deno.test("evaluate() rejects junk as a syntax error", () => {
  for (const junk of ["", "2+", "(2", "2)", "2 3", "abc", "1..2", "2**3", "."]) {
    assert.deepEqual(evaluate(junk), { ok: false, error: "syntax" }, junk);
  }
});

Deno.test("evaluate() refuses pathological nesting as too_large", () => {
  assert.deepEqual(evaluate("(".repeat(500) + "1" + ")".repeat(500)), {
    ok: false,
    error: "too_large",
  });
  assert.deepEqual(evaluate("-".repeat(500) + "1"), { ok: false, error: "too_large" });
});

// Reference: an expression tree evaluated with unreduced numerator/denominator pairs.
type Node = { leaf: [bigint, bigint]; text: string } | {
  op: "+" | "-" | "*" | "/";
  l: Node;
  r: Node;
} | { neg: Node };
type Frac = [bigint, bigint] | null;

function ref(n: Node): Frac {
  if ("leaf" in n) return n.leaf;
  if ("neg" in n) {
    const v = ref(n.neg);
    return v && [-v[0], v[1]];
  }
  const a = ref(n.l);
  const b = ref(n.r);
  if (a === null || b === null) return null;
  if (n.op === "+") return [a[0] * b[1] + b[0] * a[1], a[1] * b[1]];
  if (n.op === "-") return [a[0] * b[1] - b[0] * a[1], a[1] * b[1]];
  if (n.op === "*") return [a[0] * b[0], a[1] * b[1]];
  if (b[0] === 0n) return null;
  return [a[0] * b[1], a[1] * b[0]];
}

function show(n: Node): string {
  if ("leaf" in n) return n.text;
  if ("neg" in n) return `-(${show(n.neg)})`;
  return `(${show(n.l)} ${n.op} ${show(n.r)})`;
}

const leaf = fc.tuple(fc.nat({ max: 10_000 }), fc.nat({ max: 3 })).map(([int, places]): Node => {
  const den = 10n ** BigInt(places);
  const s = int.toString().padStart(places + 1, "0");
  const text = places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
  return { leaf: [BigInt(int), den], text };
});
const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({
      op: fc.constantFrom("+", "-", "*", "/") as fc.Arbitrary<"+" | "-" | "*" | "/">,
      l: tie("node"),
      r: tie("node"),
    }),
    fc.record({ neg: tie("node") }),
  ),
})).node;

Deno.test("evaluate() equals an exact reference on random expressions", () => {
  fc.assert(
    fc.property(tree, (t) => {
      const expected = ref(t);
      const got = evaluate(show(t));
      if (expected === null) {
        assert.deepEqual(got, { ok: false, error: "division_by_zero" });
        return;
      }
      assert.ok(got.ok, show(t));
      assert.equal(got.value.num * expected[1], expected[0] * got.value.den, show(t));
    }),
    { numRuns: 500 },
  );
});

Deno.test("evaluate() never throws on arbitrary text", () => {
  const mathy = fc.string({ unit: fc.constantFrom(..."0123456789.+-*/() x=") });
  fc.assert(
    fc.property(fc.oneof(fc.string(), mathy), (s) => {
      const r = evaluate(s);
      assert.equal(typeof r.ok, "boolean");
    }),
    { numRuns: 2000 },
  );
});
