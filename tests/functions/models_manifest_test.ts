/**
 * The bundled-model catalog at /models/manifest.json: forge manifests (models/fixtures) and the
 * world build's manifest (models/world) merge into models with their paired drafts and bundled
 * adapters with the model that serves them, and a listed adapter imports into the adapter
 * store from its served folder with the existing import-from-URL path.
 */
import assert from "node:assert/strict";
import { clientMounts, staticHandler } from "../../functions/static.ts";
import { mergeModelManifests } from "../../functions/models_manifest.ts";
import { projectRoot } from "../../functions/main.ts";
import { openTestStore } from "../client/adapters/store/store_fixtures.ts";

/** A world build manifest as `deno task forge:world` writes it (files left out). */
const WORLD_MANIFEST = {
  version: 1,
  generator: "verity-forge-world",
  entries: [
    { name: "target", kind: "model", path: "target", parameters: 1301920, files: [] },
    { name: "draft", kind: "model", path: "draft", parameters: 139584, files: [] },
    {
      name: "target_lora",
      kind: "model",
      path: "target_lora",
      base: "target",
      parameters: 1301920,
      files: [],
    },
    { name: "adapter-terse", kind: "lora", path: "adapters/terse", parameters: 92672 },
    { name: "adapter-formal", kind: "lora", path: "adapters/formal", parameters: 92672 },
  ],
  world_files: [],
};

Deno.test("mergeModelManifests() lists world and fixture models with paired drafts and adapters", () => {
  const merged = mergeModelManifests([
    ["world", [WORLD_MANIFEST]],
    ["fixtures", [
      {
        models: [{ name: "target", path: "target/", parameters: 5 }, {
          name: "draft",
          path: "draft",
        }],
      },
      {
        models: [{ name: "target_lora", path: "target_lora" }],
        adapters: [{ name: "alpha", path: "adapters/alpha" }],
      },
      { models: [{ path: "nameless" }] },
    ]],
  ]);
  assert.deepEqual(merged, {
    version: 1,
    models: [
      { name: "fixtures/target", path: "fixtures/target", parameters: 5, draft: "fixtures/draft" },
      { name: "fixtures/draft", path: "fixtures/draft" },
      { name: "fixtures/target_lora", path: "fixtures/target_lora" },
      { name: "world/target", path: "world/target", parameters: 1301920, draft: "world/draft" },
      { name: "world/draft", path: "world/draft", parameters: 139584 },
      { name: "world/target_lora", path: "world/target_lora", parameters: 1301920 },
    ],
    adapters: [
      { name: "fixtures/alpha", path: "fixtures/adapters/alpha", model: "fixtures/target_lora" },
      { name: "world/terse", path: "world/adapters/terse", model: "world/target_lora" },
      { name: "world/formal", path: "world/adapters/formal", model: "world/target_lora" },
    ],
  });
});

Deno.test("a bundled world adapter listed by /models/manifest.json imports from its served folder", async () => {
  const root = projectRoot();
  const dir = await Deno.makeTempDir({ prefix: "verity-models-" });
  try {
    // A models folder with a world build (its adapters: copies of a fixture adapter's files).
    await Deno.mkdir(`${dir}/world/adapters/terse`, { recursive: true });
    await Deno.writeTextFile(`${dir}/world/manifest.json`, JSON.stringify(WORLD_MANIFEST));
    for (const file of ["adapter_config.json", "adapter_model.safetensors"]) {
      await Deno.copyFile(
        `${root}/models/fixtures/adapters/alpha/${file}`,
        `${dir}/world/adapters/terse/${file}`,
      );
    }
    const handler = staticHandler([{ prefix: "/models/", dir }]);
    const serve = async (input: RequestInfo | URL, init?: RequestInit) =>
      (await handler(new Request(input, init))) ?? new Response("missing", { status: 404 });
    const catalog = await (await serve("http://verity.test/models/manifest.json")).json();
    assert.deepEqual(catalog.models.map((m: { path: string }) => m.path), [
      "world/target",
      "world/draft",
      "world/target_lora",
    ]);
    const terse = catalog.adapters[0];
    assert.deepEqual(terse, {
      name: "world/terse",
      path: "world/adapters/terse",
      model: "world/target_lora",
    });

    const { store } = await openTestStore();
    try {
      const meta = await store.importUrl(`http://verity.test/models/${terse.path}/`, {
        fetch: serve,
      });
      assert.equal(meta.name, "terse");
      assert.equal(meta.r, 4); // the copied fixture adapter "alpha" has rank 4
      const stored = await store.load(meta.id);
      assert.deepEqual(
        stored.weights,
        await Deno.readFile(`${dir}/world/adapters/terse/adapter_model.safetensors`),
      );
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the served catalog of the repository lists the fixtures with their draft and adapters", async () => {
  const handler = staticHandler(clientMounts(projectRoot()));
  const res = await handler(new Request("http://verity.test/models/manifest.json"));
  assert.ok(res !== undefined && res.status === 200);
  const catalog = await res.json();
  const target = catalog.models.find((m: { path: string }) => m.path === "fixtures/target");
  assert.equal(target.draft, "fixtures/draft");
  const adapters = catalog.adapters.filter((a: { path: string }) => a.path.startsWith("fixtures/"));
  assert.deepEqual(adapters.map((a: { name: string }) => a.name), [
    "fixtures/alpha",
    "fixtures/beta",
    "fixtures/gamma",
    "fixtures/delta",
    "fixtures/epsilon",
  ]);
  assert.ok(adapters.every((a: { model?: string }) => a.model === "fixtures/target_lora"));
});

Deno.test("mergeModelManifests() marks a folder's verifier, reader and cove as side models, not chat models", () => {
  const merged = mergeModelManifests([["world", [{
    ...WORLD_MANIFEST,
    entries: [
      ...WORLD_MANIFEST.entries,
      { name: "verifier", kind: "model", path: "verifier", parameters: 1301920 },
      { name: "reader", kind: "model", path: "reader", parameters: 1301920 },
      { name: "cove", kind: "model", path: "cove", parameters: 1301920 },
      { name: "thinking", kind: "model", path: "thinking", base: "target", parameters: 1353441 },
    ],
  }]]]);
  assert.deepEqual(merged.models.map((m) => [m.name, m.role ?? "chat"]), [
    ["world/target", "chat"],
    ["world/draft", "chat"],
    ["world/target_lora", "chat"],
    ["world/verifier", "verifier"],
    ["world/reader", "reader"],
    ["world/cove", "cove"],
    // The Quiet-STaR model is loaded as the chat model (the chat's thinking runs on it).
    ["world/thinking", "chat"],
  ]);
  assert.deepEqual(merged.models[4], {
    name: "world/reader",
    path: "world/reader",
    parameters: 1301920,
    role: "reader",
  });
});
