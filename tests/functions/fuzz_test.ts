/**
 * Property tests: random and adversarial requests at every endpoint get a 4xx (or 200) in the
 * one error shape, never a 5xx and never a stack trace.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ErrorBody } from "../../shared/errors.ts";
import { DEFAULT_LIMITS } from "../../functions/config.ts";
import { testApp, testSettings } from "./app_fixture.ts";
import { ADMIN_KEY } from "./endpoint_cases.ts";

const ROUTES: readonly { method: string; path: string }[] = [
  { method: "POST", path: "/v1/documents" },
  { method: "GET", path: "/v1/documents/x" },
  { method: "DELETE", path: "/v1/documents/x" },
  { method: "POST", path: "/v1/retrieve" },
  { method: "GET", path: "/health" },
  { method: "GET", path: "/openapi.json" },
  { method: "POST", path: "/v1/s2a/filter" },
  { method: "POST", path: "/v1/verify/arithmetic" },
  { method: "POST", path: "/v1/pipelines/start" },
  { method: "POST", path: "/v1/pipelines/step" },
];

/** JSON values including deep nesting, huge strings and hostile keys. */
const junk: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue(),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.constantFrom("", " ", "\u0000", "__proto__", "constructor", '"*" NEAR title:', "\ud800"),
    fc.constant("x".repeat(30_000)),
    fc.double(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("__proto__", "documents", "query", "k", "text")),
      tie("value"),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** Bodies shaped like the real ones but with wrong types and extreme values in each field. */
const nearMiss: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ query: junk, k: junk }, { requiredKeys: [] }),
  fc.record({
    documents: fc.oneof(
      junk,
      fc.array(
        fc.record({ id: junk, title: junk, text: junk, metadata: junk }, { requiredKeys: [] }),
        {
          maxLength: 3,
        },
      ),
    ),
  }, { requiredKeys: [] }),
  fc.record({ text: junk, state: junk, results: junk, pipeline: junk, input: junk }, {
    requiredKeys: [],
  }),
);

const rawBody = fc.oneof(
  junk.map((v) => JSON.stringify(v) ?? "null"),
  nearMiss.map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("{", "[1,2", '{"query":', "null", "true", "{}", "[]", '{"a":1}'.repeat(100)),
);

const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
);

function assertClientError(status: number, text: string, label: string) {
  assert.ok(status < 500, `${label}: got ${status}: ${text.slice(0, 200)}`);
  assert.ok(!/\n\s+at\s|\.ts:\d+/.test(text), `${label}: no stack trace`);
  if (status >= 400) ErrorBody.parse(JSON.parse(text));
}

Deno.test("random and adversarial bodies at every endpoint never get a 5xx", async () => {
  const { app, store } = await testApp(
    testSettings({ limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 0 } }),
  );
  await store.upsertMany([{ id: "x", title: "X", text: "Some text about x." }], 0);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ROUTES),
      rawBody,
      contentType,
      fc.boolean(),
      async (route, body, type, authorized) => {
        const headers: Record<string, string> = {};
        if (type !== "") headers["content-type"] = type;
        if (authorized) headers.authorization = `Bearer ${ADMIN_KEY}`;
        const init: RequestInit = { method: route.method, headers };
        if (route.method !== "GET") init.body = body;
        const res = await app.request(route.path, init);
        assertClientError(res.status, await res.text(), `${route.method} ${route.path}`);
      },
    ),
    { numRuns: 1500, seed: 20261127 },
  );
  await store.close();
});

Deno.test("random document ids in the path never get a 5xx", async () => {
  const { app, store } = await testApp(
    testSettings({ limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 0 } }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.boolean(),
      async (id, del) => {
        const res = await app.request(`/v1/documents/${encodeURIComponent(id)}`, {
          method: del ? "DELETE" : "GET",
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        assertClientError(res.status, await res.text(), id);
      },
    ),
    { numRuns: 200, seed: 7 },
  );
  await store.close();
});

Deno.test("valid ingests of arbitrary unicode text round-trip and are retrievable", async () => {
  const { app, store } = await testApp(
    testSettings({ limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 0 } }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.string({ minLength: 1, maxLength: 40 }).filter((id) => id !== "." && id !== ".."),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 400 }),
      async (id, text) => {
        const res = await app.request("/v1/documents", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
          body: JSON.stringify({ documents: [{ id, text }] }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        const read = await app.request(`/v1/documents/${encodeURIComponent(id)}`);
        assert.equal(read.status, 200);
        assert.equal((await read.json()).text, text);
        const query = await app.request("/v1/retrieve", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: text.slice(0, 100) }),
        });
        assertClientError(query.status, await query.text(), text);
      },
    ),
    { numRuns: 150, seed: 42 },
  );
  await store.close();
});
