/**
 * The chat UI's logic without a browser: the conversation store on fake-indexeddb, failure
 * explanations, the service worker's caching policy, the model catalog, the start-up load
 * request, live-stat formulas, and the server routes the app needs (/sw.js, the merged model
 * manifest, the page's offline marker).
 *
 * @module
 */
import assert from "node:assert/strict";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { acceptanceRate, meanGamma } from "../../../client/ui/chat/answer.ts";
import { chatHistory } from "../../../client/ui/chat/history.ts";
import { ConversationDb } from "../../../client/ui/conversations/conversation_db.ts";
import {
  bundledAdapters,
  catalogFromManifest,
  DEFAULT_DRAFT,
  DEFAULT_MODEL,
  folderOfFile,
} from "../../../client/ui/models/catalog.ts";
import { groupCachedFiles, pairedDraft } from "../../../client/ui/models/models_panel.ts";
import { explainFailure } from "../../../client/ui/shell/failures.ts";
import { initialLoadRequest } from "../../../client/ui/shell/load_settings.ts";
import { cacheKeyOf, parseBuildManifest, swStrategy } from "../../../client/ui/sw/sw_routes.ts";
import type { EngineStats } from "../../../client/engine/api.ts";
import { startServer } from "../../../functions/main.ts";
import { buildClient, precachePaths } from "../../../tools/build.ts";

function openDb(): ConversationDb {
  let clock = 1000;
  return new ConversationDb({ indexedDB: new IDBFactory(), IDBKeyRange, now: () => ++clock });
}

Deno.test("ConversationDb keeps conversations with settings and messages in order", async () => {
  const db = openDb();
  const a = await db.create("First", { maxTokens: 33, temperature: 0.5 });
  const b = await db.create();
  await db.addMessage({ conversationId: a.id, role: "user", content: "Hello", createdAt: 2 });
  await db.addMessage({ conversationId: a.id, role: "assistant", content: "Hi!", createdAt: 3 });
  await db.addMessage({ conversationId: b.id, role: "user", content: "zebra", createdAt: 1 });
  assert.deepEqual((await db.messages(a.id)).map((m) => m.content), ["Hello", "Hi!"]);
  assert.deepEqual((await db.get(a.id))?.settings, {
    maxTokens: 33,
    temperature: 0.5,
    adapter: null,
    pipeline: null,
  });
  // b got the last message, so it is the most recently updated.
  assert.deepEqual((await db.list()).map((c) => c.title), ["New chat", "First"]);
  await db.saveSettings(b.id, { maxTokens: 8, temperature: 0, adapter: "x", pipeline: { s: 1 } });
  assert.deepEqual((await db.get(b.id))?.settings.pipeline, { s: 1 });
  db.close();
});

Deno.test("ConversationDb search matches titles and message text, case-insensitively", async () => {
  const db = openDb();
  const a = await db.create("River trip");
  const b = await db.create("Other");
  await db.addMessage({
    conversationId: b.id,
    role: "user",
    content: "A ZEBRA crossing",
    createdAt: 1,
  });
  assert.deepEqual((await db.search("zebra")).map((c) => c.id), [b.id]);
  assert.deepEqual((await db.search("RIVER")).map((c) => c.id), [a.id]);
  assert.equal((await db.search("  ")).length, 2);
  assert.deepEqual(await db.search("nothing"), []);
  db.close();
});

Deno.test("ConversationDb rename trims, refuses empty titles, and delete removes messages", async () => {
  const db = openDb();
  const a = await db.create();
  await db.addMessage({ conversationId: a.id, role: "user", content: "x", createdAt: 1 });
  await db.rename(a.id, "  Named  ");
  assert.equal((await db.get(a.id))?.title, "Named");
  await assert.rejects(
    db.rename(a.id, "   "),
    /^RangeError: Cannot rename conversation '.+' as the title is empty$/,
  );
  await db.delete(a.id);
  assert.equal(await db.get(a.id), undefined);
  assert.deepEqual(await db.messages(a.id), []);
  db.close();
});

Deno.test("chatHistory leaves out failed exchanges, empty answers and system rows", () => {
  const m = (role: "user" | "assistant" | "system", content: string, finish?: string) => ({
    conversationId: "c",
    role,
    content,
    createdAt: 0,
    ...(finish !== undefined ? { finish } : {}),
  });
  const kept = chatHistory([
    m("system", "sys"),
    m("user", "q1"),
    m("assistant", "a1", "stop"),
    m("user", "q2"),
    m("assistant", "", "error"),
    m("user", "q3"),
    m("assistant", "partial", "aborted"),
    m("user", "q4"),
    m("assistant", "", "aborted"),
  ]);
  assert.deepEqual(kept.map((x) => x.content), ["q1", "a1", "q3", "partial", "q4"]);
});

Deno.test("explainFailure names each failure kind with fitting recovery actions", () => {
  const kinds = (name: string, message: string, ctx: "load" | "chat" = "chat") => {
    const f = explainFailure({ name, message }, ctx);
    return [f.kind, f.actions.map((a) => a.action)];
  };
  assert.deepEqual(kinds("StorageQuotaError", "full", "load"), ["quota", [
    "open-models",
    "load-without-cache",
  ]]);
  assert.deepEqual(kinds("Error", "GPU device was lost: destroyed"), ["device-lost", [
    "restart-webgpu",
    "restart-wasm",
  ]]);
  assert.deepEqual(kinds("EdgeUnreachableError", "fetch failed"), ["edge-unreachable", [
    "retry-send",
    "pipelines-off",
  ]]);
  assert.deepEqual(kinds("ModelLoadError", "404", "load"), ["model-load", [
    "retry-load",
    "load-default",
    "open-models",
  ]]);
  assert.deepEqual(kinds("EngineStateError", "Cannot start the engine worker '/x'", "load"), [
    "worker",
    ["retry-load"],
  ]);
  assert.deepEqual(kinds("TypeError", "boom"), ["other", ["retry-send", "dismiss"]]);
  assert.deepEqual(kinds("AdapterError", "no source"), ["adapter", ["adapter-off", "dismiss"]]);
  // Dexie wraps IndexedDB's quota error (e.g. saving a conversation) in an AbortError.
  const wrapped = Object.assign(new Error("aborted"), {
    name: "AbortError",
    inner: new DOMException("full", "QuotaExceededError"),
  });
  assert.equal(explainFailure(wrapped, "chat").kind, "quota");
  assert.equal(
    explainFailure({ name: "ModelLoadError", message: "m" }, "load").detail,
    "ModelLoadError: m",
  );
});

Deno.test("swStrategy caches the shell network-first, ort cache-first, and never the API", () => {
  assert.equal(swStrategy("/", "GET"), "network-first");
  assert.equal(swStrategy("/ui/dist/main.js", "GET"), "network-first");
  assert.equal(swStrategy("/ort/ort-wasm-simd-threaded.asyncify.wasm", "GET"), "cache-first");
  assert.equal(swStrategy("/models/fixtures/target/onnx/model.onnx", "HEAD"), "model-file");
  assert.equal(swStrategy("/models/manifest.json", "GET"), "network-first");
  assert.equal(swStrategy("/v1/pipelines/start", "POST"), "network-only");
  assert.equal(swStrategy("/health", "GET"), "network-only");
  assert.equal(swStrategy("/sw.js", "GET"), "network-only");
  assert.equal(cacheKeyOf(new URL("http://h/?ep=wasm")), "/");
  assert.equal(cacheKeyOf(new URL("http://h/index.html")), "/");
  assert.deepEqual(parseBuildManifest({ version: "v1", precache: ["/"] }), {
    version: "v1",
    precache: ["/"],
  });
  assert.throws(
    () => parseBuildManifest({ version: "", precache: [] }),
    /^TypeError: Cannot read the build manifest/,
  );
  assert.throws(() => parseBuildManifest({ version: "v", precache: ["x"] }), TypeError);
});

Deno.test("the model catalog reads manifests and groups cached files by folder", () => {
  assert.deepEqual(
    catalogFromManifest({ models: [{ name: "t", path: "fixtures/target/", parameters: 5 }] }),
    [
      { name: "t", path: "/models/fixtures/target", parameters: 5 },
    ],
  );
  assert.deepEqual(catalogFromManifest({ nope: 1 }), [
    { name: "world/target_lora", path: "/models/world/target_lora", draft: "/models/world/draft" },
    { name: "world/target", path: "/models/world/target", draft: "/models/world/draft" },
    { name: "world/draft", path: "/models/world/draft" },
    { name: "fixtures/target", path: "/models/fixtures/target", draft: "/models/fixtures/draft" },
  ]);
  assert.equal(folderOfFile("http://h/models/a/onnx/model.onnx"), "http://h/models/a");
  assert.equal(folderOfFile("http://h/models/a/config.json"), "http://h/models/a");
  assert.deepEqual(
    groupCachedFiles([
      { url: "http://h/m/a/config.json", size: 10 },
      { url: "http://h/m/a/onnx/model.onnx", size: 90 },
      { url: "http://h/m/b/config.json", size: null },
    ]),
    [{ folder: "http://h/m/a", files: 2, bytes: 100 }, {
      folder: "http://h/m/b",
      files: 1,
      bytes: 0,
    }],
  );
});

Deno.test("the catalog pairs each target with its draft and lists the bundled adapters", () => {
  const manifest = {
    models: [
      { name: "world/target", path: "world/target", draft: "world/draft" },
      { name: "world/draft", path: "world/draft" },
      { name: "fixtures/target", path: "fixtures/target", draft: "fixtures/gone" },
    ],
    adapters: [
      { name: "world/terse", path: "world/adapters/terse", model: "world/target_lora" },
      { name: "fixtures/alpha", path: "fixtures/adapters/alpha/" },
    ],
  };
  const catalog = catalogFromManifest(manifest);
  assert.deepEqual(catalog[0], {
    name: "world/target",
    path: "/models/world/target",
    draft: "/models/world/draft",
  });
  assert.equal(pairedDraft(catalog, catalog[0]!), "/models/world/draft");
  assert.equal(pairedDraft(catalog, catalog[1]!), ""); // a draft has no draft
  assert.equal(pairedDraft(catalog, catalog[2]!), ""); // its draft is not in the catalog
  assert.deepEqual(bundledAdapters(manifest), [
    {
      name: "world/terse",
      path: "/models/world/adapters/terse",
      model: "/models/world/target_lora",
    },
    { name: "fixtures/alpha", path: "/models/fixtures/adapters/alpha" },
  ]);
  assert.deepEqual(bundledAdapters({ models: [] }), []);
  assert.deepEqual(bundledAdapters(null), []);
  assert.equal(DEFAULT_MODEL, "/models/world/target_lora");
  assert.equal(DEFAULT_DRAFT, "/models/world/draft");
});

Deno.test("initialLoadRequest prefers URL parameters, then the saved choice, then defaults", () => {
  const page = new URL("http://h:1/");
  assert.deepEqual(initialLoadRequest(page, null), {
    modelUrl: "http://h:1/models/world/target_lora",
    draftUrl: "http://h:1/models/world/draft",
    ep: "auto",
    cache: true,
  });
  const saved = JSON.stringify({
    modelUrl: "http://h:1/m/x",
    draftUrl: "http://h:1/m/d",
    ep: "webgpu",
    cache: false,
  });
  assert.deepEqual(initialLoadRequest(page, saved), {
    modelUrl: "http://h:1/m/x",
    draftUrl: "http://h:1/m/d",
    ep: "webgpu",
    cache: false,
  });
  // A model in the URL drops the saved draft; bad values are ignored.
  assert.deepEqual(initialLoadRequest(new URL("http://h:1/?model=/m/y&ep=bogus&cache=0"), saved), {
    modelUrl: "http://h:1/m/y",
    ep: "webgpu",
    cache: false,
  });
  assert.equal(
    initialLoadRequest(page, "{not json").modelUrl,
    "http://h:1/models/world/target_lora",
  );
});

Deno.test("acceptanceRate and meanGamma come from usage and engine stats deltas", () => {
  assert.equal(acceptanceRate(undefined), null);
  assert.equal(
    acceptanceRate({
      prompt_tokens: 1,
      completion_tokens: 9,
      total_tokens: 10,
      completion_tokens_details: { accepted_prediction_tokens: 6, rejected_prediction_tokens: 2 },
    }),
    0.75,
  );
  const stats = (decodeSteps: number, draftSteps: number): EngineStats => ({
    prefillTokens: 0,
    prefillMs: 0,
    decodeSteps,
    decodeTokens: 0,
    decodeMs: 0,
    rowSteps: 0,
    rebuilds: 0,
    active: 0,
    waiting: 0,
    gpuTensorsLive: 0,
    speculative: {
      draftSteps,
      draftMs: 0,
      targetMs: 0,
      proposed: 0,
      accepted: 0,
      rejections: 0,
      compactions: 0,
      costRatio: 0,
    },
  });
  assert.equal(meanGamma(stats(10, 20), stats(14, 32)), 3);
  assert.equal(meanGamma(stats(10, 20), stats(10, 20)), null);
  const { speculative: _, ...plain } = stats(1, 1);
  assert.equal(meanGamma(plain, plain), null);
});

Deno.test({
  name: "the server serves /sw.js, the merged model manifest and the page with offline on",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dist = await Deno.makeTempDir({ prefix: "verity-ui-dist-" });
    const data = await Deno.makeTempDir({ prefix: "verity-ui-data-" });
    await buildClient({ outDir: dist });
    const server = await startServer({
      port: 0,
      hostname: "127.0.0.1",
      env: { VERITY_DATA_DIR: data, VERITY_SEED_CORPUS: "0", VERITY_STATE_SECRET: "s".repeat(32) },
      log: () => {},
      clientDist: dist,
    });
    try {
      const sw = await fetch(`${server.url}/sw.js`);
      assert.equal(sw.status, 200);
      assert.match(sw.headers.get("content-type") ?? "", /^text\/javascript/);
      assert.doesNotMatch(await sw.text(), /\bexport\b/, "a classic worker script");
      const page = await fetch(`${server.url}/`);
      assert.match(await page.text(), /<meta name="verity-offline" content="on">/);
      const build = await (await fetch(`${server.url}/ui/dist/build.json`)).json();
      assert.deepEqual(build.precache, precachePaths());
      for (const path of build.precache as string[]) {
        const res = await fetch(`${server.url}${path}`, { method: "HEAD" });
        assert.equal(res.status, 200, path);
      }
      const manifest = await (await fetch(`${server.url}/models/manifest.json`)).json();
      const paths = (manifest.models as { path: string }[]).map((m) => m.path);
      assert.ok(paths.includes("fixtures/target"), String(paths));
      assert.ok(paths.includes("fixtures/draft"), String(paths));
      const names = (manifest.adapters as { name: string }[]).map((a) => a.name);
      assert.ok(names.includes("fixtures/alpha"), String(names));
    } finally {
      await server.close();
      await Deno.remove(dist, { recursive: true });
      await Deno.remove(data, { recursive: true });
    }
  },
});
