import assert from "node:assert/strict";
import fc from "fast-check";
import { takeToken } from "../../../functions/security/token_bucket.ts";

const config = { ratePerSecond: 2, burst: 3 };

Deno.test("takeToken() starts full, drains, and refills at the configured rate", () => {
  let r = takeToken(undefined, 0, config);
  assert.deepEqual(r, { allowed: true, bucket: { tokens: 2, updatedMs: 0 }, retryAfterSeconds: 0 });
  r = takeToken(r.bucket, 0, config);
  r = takeToken(r.bucket, 0, config);
  assert.equal(r.allowed, true);
  r = takeToken(r.bucket, 0, config);
  assert.equal(r.allowed, false);
  assert.equal(r.retryAfterSeconds, 1);
  r = takeToken(r.bucket, 500, config); // +1 token after 0.5 s at 2/s
  assert.equal(r.allowed, true);
  assert.equal(r.bucket.tokens, 0);
});

Deno.test("takeToken() never allows more than burst + rate * elapsed requests", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 200 }), (gaps) => {
      let bucket;
      let t = 0;
      let allowed = 0;
      for (const gap of gaps) {
        t += gap;
        const r = takeToken(bucket, t, config);
        bucket = r.bucket;
        if (r.allowed) allowed++;
        assert.ok(r.bucket.tokens <= config.burst && r.bucket.tokens >= 0);
      }
      assert.ok(allowed <= config.burst + (t / 1000) * config.ratePerSecond + 1e-9);
    }),
    { numRuns: 300, seed: 9 },
  );
});
