import assert from "node:assert/strict";
import fc from "fast-check";
import { constantTimeEqual } from "../../../functions/security/admin.ts";

Deno.test("constantTimeEqual() is true exactly for equal strings", async () => {
  assert.equal(await constantTimeEqual("secret-key", "secret-key"), true);
  assert.equal(await constantTimeEqual("secret-key", "secret-kez"), false);
  assert.equal(await constantTimeEqual("secret-key", "secret-key "), false);
  assert.equal(await constantTimeEqual("", ""), true);
  await fc.assert(
    fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
      assert.equal(await constantTimeEqual(a, b), a === b);
    }),
    { numRuns: 200, seed: 1 },
  );
});
