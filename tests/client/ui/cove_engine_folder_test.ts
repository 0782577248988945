/**
 * The page's CoVe model (the folder's side model `cove`): found from the manifest the server
 * merges, loaded once with the chat model's ep and cache, its load shown on the status line
 * (and the line put back after), dropped for another folder; none for the fixtures or a world
 * build without one. Sessions are test doubles (no worker, no model).
 *
 * @module
 */
import assert from "node:assert/strict";
import { sideFolderFor, statusOverlay } from "../../../client/ui/chat/side_engine.ts";
import { createSideModels, sideEngineFor } from "../../../client/ui/chat/side_models.ts";
import { mergeModelManifests } from "../../../functions/models_manifest.ts";
import { chatAt, mergedWorldManifest, sideSessions } from "./verifier_engine_fixtures.ts";

const MANIFEST = mergedWorldManifest();

Deno.test("sideFolderFor() finds the folder's cove model, none for the fixtures or itself", () => {
  assert.equal(
    sideFolderFor("https://verity.test/models/world/target_lora", MANIFEST, "cove"),
    "https://verity.test/models/world/cove",
  );
  assert.equal(sideFolderFor("/models/fixtures/target", MANIFEST, "cove"), undefined);
  assert.equal(sideFolderFor("/models/world/cove", MANIFEST, "cove"), undefined);
});

Deno.test("the cove side engine loads world/cove once, shows its load on the status line, then restores it", async () => {
  const s = sideSessions();
  const status = { textContent: "Loaded /models/world/target" as string | null };
  const lines: (string | null)[] = [];
  const overlay = statusOverlay(status);
  const cove = sideEngineFor("cove", {
    chatModel: () => chatAt("http://x.test/models/world/target", true),
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
    onStatus: (line) => (lines.push(line), overlay(line)),
  });
  assert.equal(cove.name, "cove");
  assert.equal(cove.purpose, "CoVe");
  const first = await cove.get();
  assert.equal(await cove.get(), first);
  assert.equal(s.made.length, 1);
  assert.deepEqual(s.made[0]?.request, {
    modelUrl: "http://x.test/models/world/cove",
    ep: "wasm",
    cache: true,
  });
  assert.equal((await first?.info())?.model, "http://x.test/models/world/cove");
  assert.deepEqual(lines, [
    "Loading world/cove for CoVe…",
    "Loading world/cove for CoVe: 25% of 5.2 MB",
    "Loading world/cove for CoVe: 100% of 5.2 MB",
    null,
  ]);
  assert.equal(status.textContent, "Loaded /models/world/target");

  cove.follow("http://x.test/models/fixtures/target"); // another folder: its worker stops
  assert.equal(s.made[0]?.terminated, true);
  assert.equal(cove.started, false);
});

Deno.test("a world build without cove/: the page has no CoVe model and starts no worker for it", async () => {
  const s = sideSessions();
  const world = {
    generator: "verity-forge-world",
    entries: ["target", "reader"].map((name) => ({ name, kind: "model", path: name })),
  };
  const side = createSideModels({
    chatModel: () => chatAt("http://x.test/models/world/target"),
    makeSession: () => s.make(),
    status: { textContent: "" },
    manifest: () => Promise.resolve(mergeModelManifests([["world", [world]]])),
  });
  assert.equal(await side.bridgeDeps.sideEngine("cove"), undefined);
  assert.equal(s.made.length, 0);
  const reader = await side.bridgeDeps.sideEngine("reader");
  assert.equal((await reader?.info())?.model, "http://x.test/models/world/reader");
  assert.equal(s.made.length, 1);
});

Deno.test("a crashed cove session drops the CoVe model; the next run loads it again", async () => {
  const s = sideSessions();
  const crashes: (() => void)[] = [];
  const side = createSideModels({
    chatModel: () => chatAt("http://x.test/models/world/target"),
    makeSession: (onCrash) => (crashes.push(onCrash), s.make()),
    status: { textContent: "" },
    manifest: () => Promise.resolve(MANIFEST),
  });
  const first = await side.bridgeDeps.sideEngine("cove");
  assert.ok(first !== undefined && side.engines.cove.started);
  crashes[0]?.(); // the worker died
  assert.equal(side.engines.cove.started, false);
  assert.equal(s.made[0]?.terminated, true);
  const again = await side.bridgeDeps.sideEngine("cove");
  assert.ok(again !== undefined && again !== first);
  assert.equal(s.made.length, 2);
});
