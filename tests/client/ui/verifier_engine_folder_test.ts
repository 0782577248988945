/**
 * Which verifier model belongs to the loaded chat model (from a manifest object, including one
 * merged by the server's functions/models_manifest.ts), and the page's one verifier engine:
 * loaded once on first use, reused, dropped when the chat model moves to another folder,
 * retried after a failed load. Sessions are test doubles (no worker, no model).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { LoadRequest } from "../../../client/ui/shell/engine_session.ts";
import { modelLabel } from "../../../client/ui/chat/side_engine.ts";
import { sideEngineFor } from "../../../client/ui/chat/side_models.ts";
import { usesLearnedVerifier, verifierFolderFor } from "../../../client/ui/chat/verifier_engine.ts";
import { BEST_OF_N_VERIFIERS } from "../../../client/ui/trace/pipeline_settings.ts";
import { chatAt, mergedWorldManifest, sideSessions } from "./verifier_engine_fixtures.ts";

const MANIFEST = {
  version: 1,
  models: [
    { name: "fixtures/target", path: "fixtures/target", draft: "fixtures/draft" },
    { name: "fixtures/draft", path: "fixtures/draft" },
    { name: "world/target", path: "world/target", draft: "world/draft" },
    { name: "world/draft", path: "world/draft" },
    { name: "world/target_lora", path: "world/target_lora" },
    { name: "world/verifier", path: "world/verifier" },
  ],
  adapters: [],
};

Deno.test("verifierFolderFor() maps a world model to its folder's verifier, fixtures to none", () => {
  assert.equal(
    verifierFolderFor("http://127.0.0.1:8000/models/world/target_lora", MANIFEST),
    "http://127.0.0.1:8000/models/world/verifier",
  );
  assert.equal(
    verifierFolderFor("http://127.0.0.1:8000/models/world/target/", MANIFEST),
    "http://127.0.0.1:8000/models/world/verifier",
  );
  assert.equal(verifierFolderFor("/models/world/draft", MANIFEST), "/models/world/verifier");
  assert.equal(verifierFolderFor("http://x.test/models/fixtures/target", MANIFEST), undefined);
  // The chat model is the verifier itself: nothing else to load.
  assert.equal(verifierFolderFor("http://x.test/models/world/verifier", MANIFEST), undefined);
  // No verifier listed, or no manifest that can be read.
  const without = {
    ...MANIFEST,
    models: MANIFEST.models.filter((m) => m.name !== "world/verifier"),
  };
  assert.equal(verifierFolderFor("http://x.test/models/world/target", without), undefined);
  assert.equal(verifierFolderFor("http://x.test/models/world/target", undefined), undefined);
  assert.equal(verifierFolderFor("http://x.test/models/world/target", { models: 3 }), undefined);
});

Deno.test("verifierFolderFor() reads the manifest the server merges from the world build", () => {
  const merged = mergedWorldManifest();
  assert.equal(
    verifierFolderFor("https://verity.test/models/world/target_lora", merged),
    "https://verity.test/models/world/verifier",
  );
  assert.equal(verifierFolderFor("https://verity.test/models/fixtures/target", merged), undefined);
});

Deno.test("modelLabel() names a folder under /models/ by its path there", () => {
  assert.equal(modelLabel("http://x.test/models/world/verifier"), "world/verifier");
  assert.equal(modelLabel("http://x.test/models/world/verifier/"), "world/verifier");
  assert.equal(modelLabel("http://x.test/elsewhere/verifier"), "http://x.test/elsewhere/verifier");
});

Deno.test("usesLearnedVerifier() is true for 'learned' and 'both' only", () => {
  assert.deepEqual(
    BEST_OF_N_VERIFIERS.filter((v) => usesLearnedVerifier(v)),
    ["learned", "both"],
  );
  assert.equal(usesLearnedVerifier(undefined), false);
});

Deno.test("the verifier side engine loads the folder's verifier once, with the chat model's ep and cache", async () => {
  const s = sideSessions();
  let manifestReads = 0;
  const verifiers = sideEngineFor("verifier", {
    chatModel: () => chatAt("http://x.test/models/world/target_lora"),
    manifest: () => (manifestReads++, Promise.resolve(MANIFEST)),
    makeSession: s.make,
  });
  const first = await verifiers.get();
  const again = await verifiers.get();
  assert.ok(first !== undefined);
  assert.equal(again, first);
  assert.equal(s.made.length, 1);
  assert.equal(manifestReads, 1);
  assert.deepEqual(s.made[0]?.request, {
    modelUrl: "http://x.test/models/world/verifier",
    ep: "wasm",
    cache: false,
  });
  assert.equal((await first.info()).model, "http://x.test/models/world/verifier");
});

Deno.test("the verifier side engine has none for the fixtures or with no chat model, and starts no worker", async () => {
  const s = sideSessions();
  let chat: LoadRequest | undefined = undefined;
  const verifiers = sideEngineFor("verifier", {
    chatModel: () => chat,
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
  });
  assert.equal(await verifiers.get(), undefined);
  chat = chatAt("http://x.test/models/fixtures/target");
  assert.equal(await verifiers.get(), undefined);
  assert.equal(s.made.length, 0);
});

Deno.test("the verifier side engine keeps its verifier within a folder and drops it for another", async () => {
  const s = sideSessions();
  let chat = chatAt("http://x.test/models/world/target_lora");
  const verifiers = sideEngineFor("verifier", {
    chatModel: () => chat,
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
  });
  const world = await verifiers.get();
  verifiers.follow("http://x.test/models/world/target"); // same folder: kept
  chat = chatAt("http://x.test/models/world/target");
  assert.equal(await verifiers.get(), world);
  assert.equal(s.made[0]?.terminated, false);

  verifiers.follow("http://x.test/models/fixtures/target"); // another folder: its worker stops
  assert.equal(s.made[0]?.terminated, true);
  chat = chatAt("http://x.test/models/fixtures/target");
  assert.equal(await verifiers.get(), undefined);

  chat = chatAt("http://x.test/models/world/target_lora"); // back: loaded afresh
  const reloaded = await verifiers.get();
  assert.ok(reloaded !== undefined && reloaded !== world);
  assert.equal(s.made.length, 2);
});

Deno.test("the verifier side engine rejects a failed load, stops its worker, and tries again next time", async () => {
  const s = sideSessions(true);
  const verifiers = sideEngineFor("verifier", {
    chatModel: () => chatAt("http://x.test/models/world/target"),
    manifest: () => Promise.resolve(MANIFEST),
    makeSession: s.make,
  });
  await assert.rejects(verifiers.get(), /Cannot load: 404/);
  await Promise.resolve(); // let the failure handler run
  assert.equal(s.made[0]?.terminated, true);
  await assert.rejects(verifiers.get(), /Cannot load: 404/);
  assert.equal(s.made.length, 2);
});
