/**
 * The page's Self-RAG reader engine (the folder's side model `reader`): found from the manifest
 * the server merges, loaded once with the chat model's ep and cache, its load shown on the
 * status line (and the line put back after), dropped for another folder; none for the fixtures.
 * Sessions are test doubles (no worker, no model).
 *
 * @module
 */
import assert from "node:assert/strict";
import { SIDE_ROLES } from "../../../shared/pipeline.ts";
import { sideFolderFor, sideLoadLine, statusOverlay } from "../../../client/ui/chat/side_engine.ts";
import { createSideModels, sideEngineFor } from "../../../client/ui/chat/side_models.ts";
import {
  chatAt,
  loadProgress,
  mergedWorldManifest,
  sideSessions,
} from "./verifier_engine_fixtures.ts";

const MANIFEST = mergedWorldManifest();

Deno.test("sideFolderFor() finds the folder's reader and verifier, none for the fixtures", () => {
  const url = "https://verity.test/models/world/target_lora";
  assert.equal(sideFolderFor(url, MANIFEST, "reader"), "https://verity.test/models/world/reader");
  assert.equal(
    sideFolderFor(url, MANIFEST, "verifier"),
    "https://verity.test/models/world/verifier",
  );
  assert.equal(sideFolderFor("/models/fixtures/target", MANIFEST, "reader"), undefined);
  assert.equal(sideFolderFor("/models/world/reader", MANIFEST, "reader"), undefined);
});

Deno.test("the reader side engine loads world/reader once, shows its load on the status line, then restores it", async () => {
  const s = sideSessions();
  const status = { textContent: "Loaded /models/world/target" as string | null };
  const lines: (string | null)[] = [];
  const overlay = statusOverlay(status);
  const readers = sideEngineFor("reader", {
    chatModel: () => chatAt("http://x.test/models/world/target", true),
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
    onStatus: (line) => (lines.push(line), overlay(line)),
  });
  const first = await readers.get();
  assert.equal(await readers.get(), first);
  assert.equal(s.made.length, 1);
  assert.deepEqual(s.made[0]?.request, {
    modelUrl: "http://x.test/models/world/reader",
    ep: "wasm",
    cache: true,
  });
  assert.equal((await first?.info())?.model, "http://x.test/models/world/reader");
  assert.deepEqual(lines, [
    "Loading world/reader for Self-RAG…",
    "Loading world/reader for Self-RAG: 25% of 5.2 MB",
    "Loading world/reader for Self-RAG: 100% of 5.2 MB",
    null,
  ]);
  assert.equal(status.textContent, "Loaded /models/world/target");
  assert.equal(readers.started, true);

  readers.follow("http://x.test/models/fixtures/target"); // another folder: its worker stops
  assert.equal(s.made[0]?.terminated, true);
  assert.equal(readers.started, false);
});

Deno.test("the reader and verifier side engines of one folder are two models in two sessions", async () => {
  const s = sideSessions();
  const deps = {
    chatModel: () => chatAt("http://x.test/models/world/target_lora"),
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
  };
  const reader = await sideEngineFor("reader", deps).get();
  const verifier = await sideEngineFor("verifier", deps).get();
  assert.equal((await reader?.info())?.model, "http://x.test/models/world/reader");
  assert.equal((await verifier?.info())?.model, "http://x.test/models/world/verifier");
  assert.equal(s.made.length, 2);
  const none = sideEngineFor("reader", {
    ...deps,
    chatModel: () => chatAt("/models/fixtures/target"),
  });
  assert.equal(await none.get(), undefined);
  assert.equal(s.made.length, 2, "no worker for a folder without a reader");
});

Deno.test("createSideModels() hands the bridge every side engine and drops all for another folder", async () => {
  const s = sideSessions();
  const status = { textContent: "Loaded /models/world/target" as string | null };
  let chat = chatAt("http://x.test/models/world/target");
  const side = createSideModels({
    chatModel: () => chat,
    makeSession: () => s.make(),
    status,
    manifest: () => Promise.resolve(MANIFEST),
  });
  const reader = await side.bridgeDeps.sideEngine("reader");
  const verifier = await side.bridgeDeps.sideEngine("verifier");
  const cove = await side.bridgeDeps.sideEngine("cove");
  assert.equal((await reader?.info())?.model, "http://x.test/models/world/reader");
  assert.equal((await verifier?.info())?.model, "http://x.test/models/world/verifier");
  assert.equal((await cove?.info())?.model, "http://x.test/models/world/cove");
  assert.equal(status.textContent, "Loaded /models/world/target", "the status line is restored");
  assert.ok(SIDE_ROLES.every((role) => side.engines[role].started));
  assert.equal(await side.bridgeDeps.sideEngine("reader"), reader, "loaded once");

  chat = chatAt("/models/fixtures/target");
  side.follow(chat.modelUrl);
  assert.deepEqual(s.made.map((m) => m.terminated), [true, true, true]);
  assert.equal(
    await side.bridgeDeps.sideEngine("reader"),
    undefined,
    "the fixtures have no reader",
  );
  assert.equal(s.made.length, 3);
});

Deno.test("sideLoadLine() gives percent of a known total, else bytes, and says when cached", () => {
  assert.equal(
    sideLoadLine("world/verifier", "best-of-n", undefined),
    "Loading world/verifier for best-of-n…",
  );
  assert.equal(
    sideLoadLine("world/reader", "Self-RAG", loadProgress(2_600_000, null)),
    "Loading world/reader for Self-RAG: 2.6 MB",
  );
  assert.equal(
    sideLoadLine("world/reader", "Self-RAG", loadProgress(5_200_000, 5_200_000, true)),
    "Loading world/reader for Self-RAG: 100% of 5.2 MB from the cache",
  );
});

Deno.test("statusOverlay() leaves a line another writer replaced during the load", () => {
  const el = { textContent: "Loaded A" as string | null };
  const overlay = statusOverlay(el);
  overlay("Loading world/reader for Self-RAG…");
  assert.equal(el.textContent, "Loading world/reader for Self-RAG…");
  el.textContent = "Loading /models/fixtures/target…"; // a new chat-model load took the line
  overlay(null);
  assert.equal(el.textContent, "Loading /models/fixtures/target…");
  // A later side load saves and restores the line it found.
  overlay("Loading world/verifier for best-of-n…");
  overlay(null);
  assert.equal(el.textContent, "Loading /models/fixtures/target…");
});
