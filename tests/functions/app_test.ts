import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "../../functions/config.ts";
import { fakeClock, testApp, testSettings } from "./app_fixture.ts";
import { assertError, ENDPOINT_CASES, withClient } from "./endpoint_cases.ts";

for (const [i, c] of ENDPOINT_CASES.entries()) {
  Deno.test(`app.request: ${c.name}`, async () => {
    const { app, store } = await testApp();
    try {
      await c.run(withClient((path, init) => Promise.resolve(app.request(path, init)), `c${i}`));
    } finally {
      await store.close();
    }
  });
}

Deno.test("write endpoints refuse every request with 403 when no admin key is configured", async () => {
  const { adminKey: _none, ...rest } = testSettings();
  const { app, store } = await testApp(rest);
  const body = JSON.stringify({ documents: [{ id: "a", text: "b" }] });
  const res = await app.request("/v1/documents", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer anything" },
    body,
  });
  const err = await assertError(res, 403, "admin_disabled");
  assert.match(err.error.message, /VERITY_ADMIN_KEY/);
  await assertError(await app.request("/v1/documents/a", { method: "DELETE" }), 403);
  assert.equal(await store.count(), 0);
  await store.close();
});

Deno.test("CORS answers allowed origins only", async () => {
  const { app, store } = await testApp(testSettings({ corsOrigins: ["https://ok.example"] }));
  const allowed = await app.request("/health", { headers: { origin: "https://ok.example" } });
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://ok.example");
  const denied = await app.request("/health", { headers: { origin: "https://evil.example" } });
  assert.equal(denied.headers.get("access-control-allow-origin"), null);
  const preflight = await app.request("/v1/retrieve", {
    method: "OPTIONS",
    headers: {
      origin: "https://ok.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
  await store.close();
});

Deno.test("no CORS headers are sent when no origin is configured", async () => {
  const { app, store } = await testApp();
  const res = await app.request("/health", { headers: { origin: "https://ok.example" } });
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  await store.close();
});

Deno.test("the rate limiter refills at the configured rate and Retry-After is exact", async () => {
  const clock = fakeClock();
  const limits = { ...DEFAULT_LIMITS, rateLimitPerSecond: 0.5, rateLimitBurst: 2 };
  const { app, store } = await testApp(testSettings({ limits }), clock);
  const hit = () =>
    app.request("/v1/retrieve", {
      method: "POST",
      headers: { "content-type": "application/json", "x-client-id": "one" },
      body: '{"query":"x"}',
    });
  assert.equal((await hit()).status, 200);
  assert.equal((await hit()).status, 200);
  const limited = await hit();
  assert.equal(limited.headers.get("retry-after"), "2");
  await assertError(limited, 429, "rate_limited");
  clock.advance(2000);
  assert.equal((await hit()).status, 200);
  // Another client has its own bucket; /health is never limited.
  const other = await app.request("/v1/retrieve", {
    method: "POST",
    headers: { "content-type": "application/json", "x-client-id": "two" },
    body: '{"query":"x"}',
  });
  assert.equal(other.status, 200);
  for (let i = 0; i < 5; i++) assert.equal((await app.request("/health")).status, 200);
  await store.close();
});

Deno.test("ingest bodies up to the ingest limit pass and larger ones are 413", async () => {
  const limits = { ...DEFAULT_LIMITS, ingestBodyBytes: 200 * 1024, rateLimitPerSecond: 0 };
  const { app, store } = await testApp(testSettings({ limits }));
  const send = (chars: number) =>
    app.request("/v1/documents", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer test-admin-key-0123456789",
      },
      body: JSON.stringify({ documents: [{ id: "big", text: "word ".repeat(chars / 5) }] }),
    });
  assert.equal((await send(150 * 1024)).status, 200); // above the 64 KB default, below 200 KB
  await assertError(await send(250 * 1024), 413, "payload_too_large");
  await store.close();
});

Deno.test("a body streamed without Content-Length is still limited", async () => {
  const { app, store } = await testApp(testSettings({
    limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 0 },
  }));
  const chunk = new TextEncoder().encode("a".repeat(16 * 1024));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 8; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  const res = await app.request(
    new Request("http://localhost/v1/retrieve", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
  await assertError(res, 413, "payload_too_large");
  await store.close();
});
