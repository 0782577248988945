/**
 * The Models panel offers chat models only: the side models the server's merged manifest marks
 * (world/verifier, world/reader, world/cove) stay in the catalog, where the chat finds them by folder, but
 * are left out of the panel's model and draft lists.
 *
 * @module
 */
import assert from "node:assert/strict";
import { catalogFromManifest, chatModels } from "../../../client/ui/models/catalog.ts";
import { sideFolderFor } from "../../../client/ui/chat/side_engine.ts";
import { mergeModelManifests } from "../../../functions/models_manifest.ts";

const WORLD = {
  generator: "verity-forge-world",
  entries: ["target", "draft", "target_lora", "verifier", "reader", "cove", "thinking"].map((
    name,
  ) => ({
    name,
    kind: "model",
    path: name,
  })),
};

Deno.test("chatModels() leaves out world/verifier, world/reader and world/cove, keeps world/thinking", () => {
  const catalog = catalogFromManifest(mergeModelManifests([["world", [WORLD]]]));
  assert.deepEqual(catalog.filter((m) => m.role !== undefined).map((m) => [m.name, m.role]), [
    ["world/verifier", "verifier"],
    ["world/reader", "reader"],
    ["world/cove", "cove"],
  ]);
  assert.deepEqual(chatModels(catalog).map((m) => m.path), [
    "/models/world/target",
    "/models/world/draft",
    "/models/world/target_lora",
    "/models/world/thinking",
  ]);
  // The chat still finds its side models in the full catalog's manifest.
  const manifest = mergeModelManifests([["world", [WORLD]]]);
  assert.equal(sideFolderFor("/models/world/target", manifest, "reader"), "/models/world/reader");
  assert.equal(sideFolderFor("/models/world/target", manifest, "cove"), "/models/world/cove");
});

Deno.test("chatModels() keeps every entry of a manifest without side roles", () => {
  const catalog = catalogFromManifest({
    models: [{ name: "fixtures/target", path: "fixtures/target", draft: "fixtures/draft" }, {
      name: "fixtures/draft",
      path: "fixtures/draft",
    }],
  });
  assert.deepEqual(chatModels(catalog), catalog);
  assert.equal(chatModels(catalog).length, 2);
});
