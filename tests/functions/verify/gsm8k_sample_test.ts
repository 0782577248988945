// The fixture holds every 25th line of ../shared/data/gsm8k/train.jsonl (MIT) plus the two
// solutions whose annotations use Python's `//`; the full-file figures come from
// `deno run -A functions/verify/eval_gsm8k.ts`.
import assert from "node:assert/strict";
import { checkEquation } from "../../../functions/verify/check.ts";
import { findAnnotations } from "../../../functions/verify/equations.ts";
import { evaluateGsm8k } from "../../../functions/verify/eval_gsm8k.ts";
import { mutateClaim, MUTATION_KINDS } from "../../../functions/verify/mutations.ts";

const lines = (await Deno.readTextFile(new URL("./fixtures/gsm8k_sample.jsonl", import.meta.url)))
  .split("\n").filter((l) => l.trim() !== "");

Deno.test("every correct GSM8K annotation of the sample is accepted", () => {
  let count = 0;
  for (const line of lines) {
    for (const eq of findAnnotations((JSON.parse(line) as { answer: string }).answer)) {
      count++;
      assert.equal(checkEquation(eq).ok, true, `${eq.expression}=${eq.claimed}`);
    }
  }
  assert.ok(count > 900, `sample holds ${count} annotations`);
});

Deno.test("every mutated GSM8K result of the sample is rejected", () => {
  for (const line of lines) {
    for (const eq of findAnnotations((JSON.parse(line) as { answer: string }).answer)) {
      for (const kind of MUTATION_KINDS) {
        const mutated = mutateClaim(eq.claimedSource, kind);
        if (mutated === null) continue;
        const step = checkEquation({ ...eq, claimed: mutated, claimedSource: mutated });
        assert.equal(step.ok, false, `${kind}: ${eq.expression}=${mutated}`);
      }
    }
  }
});

Deno.test("evaluateGsm8k() reports full acceptance and rejection on the sample", () => {
  const r = evaluateGsm8k(lines);
  assert.equal(r.solutions, lines.length);
  assert.equal(r.accepted.rate, 1);
  for (const k of MUTATION_KINDS) assert.equal(r.rejected[k].rate, 1, k);
  assert.ok(r.rejected.swapped_digits.total < r.annotations, "single digits cannot be swapped");
});

Deno.test("mutateClaim() builds the three mutations and skips no-ops", () => {
  assert.equal(mutateClaim("24", "off_by_one"), "25");
  assert.equal(mutateClaim("2.5", "times_ten"), "25");
  assert.equal(mutateClaim("124", "swapped_digits"), "142");
  assert.equal(mutateClaim("7", "swapped_digits"), null);
  assert.equal(mutateClaim("0", "times_ten"), null);
  assert.equal(mutateClaim("3/4", "off_by_one"), "1.75");
});
