import assert from "node:assert/strict";
import { applyTokenBan } from "../../../../client/engine/sampling/token_ban.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";

Deno.test("applyTokenBan() sets banned ids to -Infinity and leaves the rest", () => {
  const logits = Float32Array.of(1, 2, 3, 4);
  const out = new Float32Array(4);
  applyTokenBan(logits, out, [3, 1, 3]);
  assert.deepEqual(Array.from(out), [1, -Infinity, 3, -Infinity]);
  assert.deepEqual(Array.from(logits), [1, 2, 3, 4]);
  applyTokenBan(logits, logits, Uint32Array.of(0));
  assert.deepEqual(Array.from(logits), [-Infinity, 2, 3, 4]);
});

Deno.test("applyTokenBan() rejects an id outside the vocabulary", () => {
  const row = new Float32Array(4);
  assert.throws(
    () => applyTokenBan(row, row, [4]),
    (e: unknown) =>
      e instanceof SamplingInputError &&
      e.message ===
        "Cannot use token id as 'bannedIds' must be an integer in [0, 4): current value is 4",
  );
});
