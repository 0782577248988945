/**
 * Endpoint behaviour shared by the app.request() tests (app_test.ts) and the `wrangler dev`
 * tests (worker_test.ts): the same cases run against both runtimes.
 *
 * Targets must be configured with VERITY_CLIENT_IP_HEADER = "x-client-id", a rate limit of
 * RATE_LIMIT_RPS / RATE_LIMIT_BURST and the admin key ADMIN_KEY.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ErrorBody } from "../../shared/errors.ts";

/** Admin key both targets are started with. */
export const ADMIN_KEY = "test-admin-key-0123456789";
/** Rate limit both targets are started with. */
export const RATE_LIMIT_RPS = 1;
/** Bucket size both targets are started with (every case stays below it per client id). */
export const RATE_LIMIT_BURST = 40;
/** Header carrying the client id used as the rate-limit key. */
export const CLIENT_HEADER = "x-client-id";

/** Something that answers HTTP requests: app.request or fetch against a server. */
export type RequestFn = (path: string, init?: RequestInit) => Promise<Response>;

/** One endpoint case. */
export interface EndpointCase {
  readonly name: string;
  run(request: RequestFn): Promise<void>;
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** Assert a response is an error of the given status and code, in the one error shape. */
export async function assertError(
  res: Response,
  status: number,
  code?: string,
): Promise<ErrorBody> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text.slice(0, 300)}`);
  const body = ErrorBody.parse(JSON.parse(text));
  if (code !== undefined) assert.equal(body.error.code, code);
  assert.ok(!/\n\s+at\s/.test(text), "no stack trace in the body");
  return body;
}

async function ok<T>(res: Response): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  return JSON.parse(text) as T;
}

interface Passages {
  passages: { doc_id: string; passage_id: string; title: string; text: string; score: number }[];
}

/** Give each case its own rate-limit bucket (and a prefix for document ids). */
export function withClient(request: RequestFn, client: string): RequestFn {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set(CLIENT_HEADER, client);
    return request(path, { ...init, headers });
  };
}

/** The cases. Document ids are unique per case so the cases can share one database. */
export const ENDPOINT_CASES: readonly EndpointCase[] = [
  {
    name: "GET /health answers ok",
    async run(request) {
      assert.deepEqual(await ok(await request("/health")), { status: "ok" });
    },
  },
  {
    name: "GET /openapi.json is OpenAPI 3.1 listing every route with its schemas",
    async run(request) {
      const doc = await ok<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        await request("/openapi.json"),
      );
      assert.equal(doc.openapi, "3.1.0");
      for (
        const [path, method] of [
          ["/health", "get"],
          ["/openapi.json", "get"],
          ["/v1/documents", "post"],
          ["/v1/documents/{id}", "get"],
          ["/v1/documents/{id}", "delete"],
          ["/v1/retrieve", "post"],
          ["/v1/s2a/filter", "post"],
          ["/v1/verify/arithmetic", "post"],
          ["/v1/pipelines/start", "post"],
          ["/v1/pipelines/step", "post"],
        ] as const
      ) {
        assert.ok(doc.paths[path]?.[method] !== undefined, `${method} ${path} is listed`);
      }
      const retrieve = JSON.stringify(doc.paths["/v1/retrieve"]?.["post"]);
      assert.match(retrieve, /"query"/);
      assert.match(retrieve, /"maximum":50/);
    },
  },
  {
    name: "unknown routes are 404 in the error shape",
    async run(request) {
      await assertError(await request("/v1/nope"), 404, "not_found");
      await assertError(await request("/v1/retrieve"), 404, "not_found"); // GET of a POST route
    },
  },
  {
    name: "writes without the right bearer key are 401",
    async run(request) {
      const body = { documents: [{ id: "auth-1", text: "Nothing." }] };
      await assertError(await request("/v1/documents", json(body)), 401, "unauthorized");
      await assertError(
        await request("/v1/documents", json(body, { authorization: "Bearer wrong" })),
        401,
        "unauthorized",
      );
      await assertError(
        await request("/v1/documents/auth-1", { method: "DELETE" }),
        401,
        "unauthorized",
      );
      await assertError(await request("/v1/documents/auth-1"), 404, "not_found");
    },
  },
  {
    name: "ingest, read, retrieve, replace and delete a document",
    async run(request) {
      const doc = {
        id: "life-1",
        title: "Glimmerwick",
        text: "Glimmerwick is a lantern maker of Oskany. She sells blue lanterns.",
        metadata: { source: "test", n: 1 },
      };
      assert.deepEqual(
        await ok(await request("/v1/documents", json({ documents: [doc] }, admin))),
        { ingested: 1, passages: 1 },
      );
      const read = await ok<Record<string, unknown>>(await request("/v1/documents/life-1"));
      assert.equal(read.id, "life-1");
      assert.equal(read.title, "Glimmerwick");
      assert.equal(read.text, doc.text);
      assert.deepEqual(read.metadata, doc.metadata);
      assert.equal(read.passages, 1);
      assert.ok(!Number.isNaN(Date.parse(String(read.updated_at))));

      const found = await ok<Passages>(
        await request("/v1/retrieve", json({ query: "lantern maker glimmerwick", k: 3 })),
      );
      assert.equal(found.passages[0]?.doc_id, "life-1");
      assert.equal(found.passages[0]?.passage_id, "life-1#0");
      assert.ok((found.passages[0]?.score ?? 0) > 0);

      const replaced = { id: "life-1", text: "Glimmerwick now bakes quincebread." };
      await ok(await request("/v1/documents", json({ documents: [replaced] }, admin)));
      const reread = await ok<Record<string, unknown>>(await request("/v1/documents/life-1"));
      assert.equal(reread.text, replaced.text);
      assert.equal(reread.title, "");
      const stale = await ok<Passages>(
        await request("/v1/retrieve", json({ query: "lanterns oskany" })),
      );
      assert.ok(!stale.passages.some((p) => p.doc_id === "life-1"), "old text is not indexed");
      const fresh = await ok<Passages>(
        await request("/v1/retrieve", json({ query: "quincebread" })),
      );
      assert.deepEqual(fresh.passages.map((p) => p.doc_id), ["life-1"]);

      assert.deepEqual(
        await ok(await request("/v1/documents/life-1", { method: "DELETE", headers: admin })),
        { id: "life-1", deleted: true },
      );
      await assertError(await request("/v1/documents/life-1"), 404, "not_found");
      await assertError(
        await request("/v1/documents/life-1", { method: "DELETE", headers: admin }),
        404,
        "not_found",
      );
      const gone = await ok<Passages>(
        await request("/v1/retrieve", json({ query: "quincebread" })),
      );
      assert.deepEqual(gone.passages, []);
    },
  },
  {
    name: "long texts are chunked into passages on sentence boundaries",
    async run(request) {
      const sentence = (i: number) =>
        `Sentence ${i} tells of the zorbleflax harbour and its boats.`;
      const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ");
      const res = await ok<{ passages: number }>(
        await request("/v1/documents", json({ documents: [{ id: "chunk-1", text }] }, admin)),
      );
      assert.ok(res.passages >= 3, `expected several passages, got ${res.passages}`);
      const found = await ok<Passages>(
        await request("/v1/retrieve", json({ query: "zorbleflax", k: 50 })),
      );
      const ids = found.passages.map((p) => p.passage_id).sort();
      assert.equal(ids.length, res.passages);
      assert.ok(found.passages.every((p) => p.text.endsWith(".")));
      await ok(await request("/v1/documents/chunk-1", { method: "DELETE", headers: admin }));
    },
  },
  {
    name: "retrieve defaults k to 5 and refuses k above 50",
    async run(request) {
      const documents = Array.from({ length: 7 }, (_, i) => ({
        id: `k-${i}`,
        text: `Quorrelbeak number ${i}.`,
      }));
      await ok(await request("/v1/documents", json({ documents }, admin)));
      const res = await ok<Passages>(await request("/v1/retrieve", json({ query: "quorrelbeak" })));
      assert.equal(res.passages.length, 5);
      const body = await assertError(
        await request("/v1/retrieve", json({ query: "quorrelbeak", k: 51 })),
        400,
        "invalid_request",
      );
      assert.ok(Array.isArray(body.error.details));
    },
  },
  {
    name: "FTS5 syntax in a query is inert",
    async run(request) {
      await ok(
        await request(
          "/v1/documents",
          json(
            { documents: [{ id: "fts-1", title: "Brannoch", text: "Brannoch near the sea." }] },
            admin,
          ),
        ),
      );
      for (
        const query of [
          "title:brannoch",
          '"brannoch',
          "brannoch AND NOT sea",
          "NEAR(brannoch sea, 1)",
          "bran*",
          "^brannoch",
          "(brannoch) OR + - : *",
          "{title text}: brannoch",
        ]
      ) {
        const res = await ok<Passages>(await request("/v1/retrieve", json({ query })));
        const expectHit = /brannoch/i.test(query) && query !== "bran*";
        assert.equal(res.passages.some((p) => p.doc_id === "fts-1"), expectHit, query);
      }
      const none = await ok<Passages>(await request("/v1/retrieve", json({ query: "*** ((( ::" })));
      assert.deepEqual(none.passages, []);
    },
  },
  {
    name: "invalid bodies are 400 with zod issues, never 5xx",
    async run(request) {
      const bad = await assertError(
        await request("/v1/documents", json({ documents: [{ id: "", text: 3 }] }, admin)),
        400,
        "invalid_request",
      );
      assert.ok(Array.isArray(bad.error.details) && bad.error.details.length >= 2);
      await assertError(
        await request("/v1/retrieve", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"query": ',
        }),
        400,
      );
      await assertError(
        await request("/v1/retrieve", {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: "query",
        }),
        400,
      );
      const dup = { documents: [{ id: "d", text: "a" }, { id: "d", text: "b" }] };
      await assertError(await request("/v1/documents", json(dup, admin)), 400, "invalid_request");
      const many = {
        documents: Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, text: "x" })),
      };
      await assertError(await request("/v1/documents", json(many, admin)), 400, "invalid_request");
    },
  },
  {
    name: "bodies over the limit are 413",
    async run(request) {
      const res = await request("/v1/retrieve", json({ query: "a".repeat(70 * 1024) }));
      const body = await assertError(res, 413, "payload_too_large");
      assert.deepEqual(body.error.details, { max_bytes: 64 * 1024 });
    },
  },
  {
    name: "the orchestration endpoints answer (S2A filter, verifier, pipeline start)",
    async run(request) {
      const s2a = await ok<{ question: string }>(
        await request(
          "/v1/s2a/filter",
          json({
            text: "Tom has 3 apples. I think the answer is 5. How many apples does Tom have?",
          }),
        ),
      );
      assert.match(s2a.question, /How many apples/);
      const verify = await ok<{ ok: boolean }>(
        await request("/v1/verify/arithmetic", json({ text: "2 + 3 = <<2+3=6>>6 apples." })),
      );
      assert.equal(verify.ok, false);
      const started = await ok<{ state: string; actions: unknown[] }>(
        await request(
          "/v1/pipelines/start",
          json({
            pipeline: ["selfrag"],
            input: { messages: [{ role: "user", content: "Who founded Port Arlen?" }] },
          }),
        ),
      );
      assert.ok(started.state.length > 0 && started.actions.length > 0);
      // A tampered state is refused with a 4xx in the error shape (the codes belong to pipeline/).
      const tampered = await request(
        "/v1/pipelines/step",
        json({ state: `${started.state}x`, results: [] }),
      );
      assert.ok(tampered.status === 400 || tampered.status === 401, String(tampered.status));
      assert.match((await assertError(tampered, tampered.status)).error.code, /state/);
    },
  },
  {
    name: "a client over its rate limit gets 429 with Retry-After",
    async run(request) {
      let last: Response | undefined;
      for (let i = 0; i < RATE_LIMIT_BURST * 2; i++) {
        last = await request("/v1/retrieve", json({ query: "anything" }));
        if (last.status === 429) break;
        await last.body?.cancel();
      }
      assert.ok(last !== undefined);
      assert.equal(last.status, 429);
      assert.ok(Number(last.headers.get("retry-after")) >= 1);
      await assertError(last, 429, "rate_limited");
    },
  },
];
