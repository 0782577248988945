import assert from "node:assert/strict";
import fc from "fast-check";
import {
  answerRoom,
  BUDGET_MARGIN_TOKENS,
  estimateTokens,
  fitModelText,
  modelTextTokens,
  passageCharBudget,
  trimToChars,
} from "../../../functions/pipeline/prompt_budget.ts";

const opts = (context_tokens: number | undefined, max_tokens = 256, chars_per_token = 1.25) => ({
  ...(context_tokens === undefined ? {} : { context_tokens }),
  max_tokens,
  chars_per_token,
});

Deno.test("estimateTokens rounds characters per token up", () => {
  assert.equal(estimateTokens("", 1.25), 0);
  assert.equal(estimateTokens("abcde", 1.25), 4);
  assert.equal(estimateTokens("abcdef", 1.25), 5);
  assert.equal(estimateTokens("abcdefgh", 4), 2);
});

Deno.test("passageCharBudget leaves max_tokens and the margin free beside the fixed text", () => {
  assert.equal(BUDGET_MARGIN_TOKENS, 8);
  // 512 - 256 - 8 - ceil(100 / 1.25) = 168 tokens = 210 characters.
  assert.equal(passageCharBudget(opts(512), "x".repeat(100)), 210);
  assert.equal(passageCharBudget(opts(512, 256, 2), "x".repeat(100)), 2 * (512 - 256 - 8 - 50));
  assert.equal(passageCharBudget(opts(512, 500), "x".repeat(100)), 0, "nothing fits");
  assert.equal(passageCharBudget(opts(undefined), "x".repeat(100_000)), Infinity);
});

Deno.test("answerRoom shrinks max_tokens to what the window leaves after the prompt", () => {
  assert.equal(answerRoom(opts(512, 64), "x".repeat(125)), 64);
  // 512 - 8 - 400 = 104 tokens left for a 256-token budget.
  assert.equal(answerRoom(opts(512, 256), "x".repeat(500)), 104);
  assert.equal(answerRoom(opts(512, 256), "x".repeat(5_000)), 0);
  assert.equal(answerRoom(opts(undefined, 256), "x".repeat(5_000)), 256);
});

Deno.test("trimToChars cuts at a word boundary and never grows the text", () => {
  assert.equal(trimToChars("Ada lives in Port Arlen.", 14), "Ada lives in");
  assert.equal(trimToChars("Ada lives in Port Arlen.", 12), "Ada lives in");
  assert.equal(trimToChars("Ada lives in Port Arlen.", 100), "Ada lives in Port Arlen.");
  assert.equal(trimToChars("Supercalifragilistic", 5), "Super", "one long word is cut");
  assert.equal(trimToChars("Ada lives", 0), "");
  for (let n = 0; n < 30; n++) {
    assert.ok(trimToChars("Ada lives in Port Arlen and sells saltglass.", n).length <= n);
  }
});

Deno.test("modelTextTokens counts UTF-8 bytes, the bound for byte-level BPE", () => {
  assert.equal(modelTextTokens("abc"), 3);
  assert.equal(modelTextTokens("é"), 2);
  assert.equal(modelTextTokens("\uFFFD\uFFFD"), 6, "a random model's invalid bytes");
});

Deno.test("answerRoom and passageCharBudget count model text by its bytes", () => {
  const o = opts(512, 64);
  // 512 - 8 - 80 (100 chars / 1.25) - 300 bytes = 124 > 64.
  assert.equal(answerRoom(o, "x".repeat(100), "y".repeat(300)), 64);
  // 512 - 8 - 80 - 3 * 150 = -26: no room.
  assert.equal(answerRoom(o, "x".repeat(100), "\uFFFD".repeat(150)), 0);
  // 512 - 64 - 8 - 80 - 300 = 60 tokens = 75 characters.
  assert.equal(passageCharBudget(o, "x".repeat(100), "y".repeat(300)), 75);
});

Deno.test("fitModelText cuts model text from its end to leave the reserve free", () => {
  const o = opts(64, 8, 1);
  // 64 - 8 margin - 1 reserve - 40 = 15 bytes.
  assert.equal(fitModelText(o, "x".repeat(40), "abcdefghijklmnop"), "abcdefghijklmno");
  assert.equal(fitModelText(o, "x".repeat(40), "abc"), "abc");
  // 5 bytes of room hold one 3-byte character, not two.
  assert.equal(fitModelText(o, "x".repeat(50), "\uFFFD\uFFFD\uFFFD"), "\uFFFD");
  assert.equal(fitModelText(o, "x".repeat(100), "abc"), "");
  assert.equal(fitModelText(opts(undefined), "x".repeat(10_000), "abc"), "abc");
});

Deno.test("property: trimmed passages and fitted model text are prefixes within their budget", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.nat(250), (text, max) => {
      const t = trimToChars(text, max);
      assert.ok(t.length <= max && text.startsWith(t));
    }),
  );
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 120 }), fc.nat(200), (text, fixed) => {
      const o = opts(256, 16, 1);
      const kept = fitModelText(o, "x".repeat(fixed), text);
      assert.ok(text.startsWith(kept));
      const room = 256 - BUDGET_MARGIN_TOKENS - 1 - fixed;
      assert.ok(modelTextTokens(kept) <= Math.max(0, room));
    }),
  );
});
