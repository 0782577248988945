import assert from "node:assert/strict";
import { kvRateLimitStore } from "../../../functions/security/kv_rate_limit_store.ts";
import { memoryRateLimitStore } from "../../../functions/security/rate_limit.ts";

const config = { ratePerSecond: 1, burst: 2 };

function fakeKv() {
  const data = new Map<string, { value: string; ttl: number | undefined }>();
  return {
    data,
    get: (key: string) => Promise.resolve(data.get(key)?.value ?? null),
    put: (key: string, value: string, options?: { expirationTtl?: number }) => {
      data.set(key, { value, ttl: options?.expirationTtl });
      return Promise.resolve();
    },
  };
}

Deno.test("memoryRateLimitStore() keeps one bucket per key", async () => {
  const store = memoryRateLimitStore();
  assert.equal((await store.take("a", 0, config)).allowed, true);
  assert.equal((await store.take("a", 0, config)).allowed, true);
  assert.equal((await store.take("a", 0, config)).allowed, false);
  assert.equal((await store.take("b", 0, config)).allowed, true);
});

Deno.test("memoryRateLimitStore() evicts the least recently used key beyond its size", async () => {
  const store = memoryRateLimitStore(2);
  await store.take("a", 0, config);
  await store.take("a", 0, config);
  await store.take("b", 0, config);
  await store.take("c", 0, config); // evicts "a", whose bucket was empty
  assert.equal((await store.take("a", 0, config)).allowed, true);
});

Deno.test("kvRateLimitStore() stores buckets as JSON with a TTL of at least 60 s", async () => {
  const kv = fakeKv();
  const store = kvRateLimitStore(kv);
  await store.take("1.2.3.4", 1000, config);
  assert.deepEqual(JSON.parse(kv.data.get("rl:1.2.3.4")?.value ?? ""), {
    tokens: 1,
    updatedMs: 1000,
  });
  assert.equal(kv.data.get("rl:1.2.3.4")?.ttl, 60);
  await store.take("1.2.3.4", 1000, config);
  const third = await store.take("1.2.3.4", 1000, config);
  assert.equal(third.allowed, false);
  assert.equal(third.retryAfterSeconds, 1);
});

Deno.test("kvRateLimitStore() treats a corrupt entry as a fresh bucket", async () => {
  const kv = fakeKv();
  await kv.put("rl:x", "{not json");
  const r = await kvRateLimitStore(kv).take("x", 0, config);
  assert.equal(r.allowed, true);
  assert.equal(r.bucket.tokens, 1);
});
