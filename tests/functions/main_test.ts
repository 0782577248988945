import assert from "node:assert/strict";
import { DATABASE_FILE, startServer } from "../../functions/main.ts";

const KEY = "main-test-admin-key-0123";

async function withServer(
  dataDir: string,
  env: Record<string, string>,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = await startServer({
    port: 0,
    hostname: "127.0.0.1",
    env: { VERITY_DATA_DIR: dataDir, VERITY_STATE_SECRET: "x".repeat(32), ...env },
    log: () => {},
  });
  try {
    await fn(server.url);
  } finally {
    await server.close();
  }
}

Deno.test("startServer() serves the API and the client with isolation headers and MIME types", async () => {
  const dir = await Deno.makeTempDir();
  await withServer(dir, { VERITY_SEED_CORPUS: "0" }, async (url) => {
    const health = await fetch(`${url}/health`);
    assert.deepEqual(await health.json(), { status: "ok" });
    assert.equal(health.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(health.headers.get("cross-origin-embedder-policy"), "require-corp");

    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await page.text(), /<html/i);
    assert.equal(page.headers.get("cross-origin-embedder-policy"), "require-corp");

    const wasm = await fetch(`${url}/ort/ort-wasm-simd-threaded.wasm`, { method: "HEAD" });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    assert.ok(Number(wasm.headers.get("content-length")) > 1000);
    const mjs = await fetch(`${url}/ort/ort-wasm-simd-threaded.mjs`);
    assert.equal(mjs.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.ok((await mjs.text()).length > 0);

    for (
      const path of [
        "/ui/..%2f..%2fdeno.json",
        "/ui/%2e%2e/%2e%2e/deno.json",
        "/models/../deno.json",
      ]
    ) {
      const res = await fetch(`${url}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, "not_found");
    }
    const empty = await fetch(`${url}/v1/retrieve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query":"port arlen"}',
    });
    assert.deepEqual(await empty.json(), { passages: [] }); // VERITY_SEED_CORPUS=0
  });
  await Deno.remove(dir, { recursive: true });
});

/** The corpus the retrieval tests and judged queries pin (the default is the world's). */
const SEED_CORPUS = decodeURIComponent(
  new URL("../../functions/seed_corpus.json", import.meta.url).pathname,
);

Deno.test("startServer() seeds the corpus into a file that survives a restart unchanged", async () => {
  const dir = await Deno.makeTempDir();
  const env = { VERITY_ADMIN_KEY: KEY, VERITY_SEED_CORPUS_PATH: SEED_CORPUS };
  const ask = async (url: string) => {
    const res = await fetch(`${url}/v1/retrieve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"query":"who founded Port Arlen?","k":10}',
    });
    return await res.json();
  };
  let before: unknown;
  await withServer(dir, env, async (url) => {
    const added = await fetch(`${url}/v1/documents`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ documents: [{ id: "extra", text: "An extra document." }] }),
    });
    assert.equal(added.status, 200);
    await added.body?.cancel();
    before = await ask(url);
  });
  assert.ok((await Deno.stat(`${dir}/${DATABASE_FILE}`)).isFile);
  await withServer(dir, env, async (url) => {
    const after = await ask(url);
    assert.deepEqual(after, before);
    const passages = (after as { passages: { doc_id: string }[] }).passages;
    assert.equal(passages[0]?.doc_id, "ilsa-corrow");
    assert.equal((await fetch(`${url}/v1/documents/extra`)).status, 200);
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("startServer() seeds the tiny world's corpus by default and retrieves from it", async () => {
  const dir = await Deno.makeTempDir();
  const corpusPath = decodeURIComponent(
    new URL("../../models/world/corpus.json", import.meta.url).pathname,
  );
  const corpus = JSON.parse(await Deno.readTextFile(corpusPath)) as {
    documents: { id: string; title: string; metadata?: { kind?: string } }[];
  };
  const country = corpus.documents.find((d) => d.metadata?.kind === "country")!;
  const lines: string[] = [];
  const server = await startServer({
    port: 0,
    hostname: "127.0.0.1",
    env: { VERITY_DATA_DIR: dir, VERITY_STATE_SECRET: "x".repeat(32) },
    log: (line) => lines.push(line),
  });
  try {
    assert.equal(await server.store.count(), corpus.documents.length);
    assert.ok(
      lines.includes(`seeded ${corpus.documents.length} documents from ${corpusPath}`),
      lines.join("\n"),
    );
    assert.equal(await server.store.get("ilsa-corrow"), undefined); // not the old seed corpus
    const res = await fetch(`${server.url}/v1/retrieve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `capital of ${country.title}`, k: 5 }),
    });
    const { passages } = await res.json() as { passages: { doc_id: string }[] };
    assert.ok(passages.some((p) => p.doc_id === country.id), JSON.stringify(passages));
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
