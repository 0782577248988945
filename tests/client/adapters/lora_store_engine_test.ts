/**
 * The engine loads adapters straight from the Dexie adapter store (fake-indexeddb under Deno):
 * imported PEFT files serve requests by their store id like the same files from memory.
 */
import assert from "node:assert/strict";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { AdapterStore } from "../../../client/adapters/store/adapter_store.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import { adapter, bytesEngine, fixtureSource, loraFolder, peftFiles } from "./lora_helpers.ts";

Deno.test({
  name: "adapters imported into the IndexedDB store serve requests like the same files from memory",
  ...ortTest,
  fn: async () => {
    const store = await AdapterStore.open({
      dbName: `lora-engine-${crypto.randomUUID()}`,
      indexedDB,
      IDBKeyRange,
      storage: null,
    });
    try {
      const ids = new Map<string, string>();
      for (const name of ["alpha", "gamma"]) {
        const files = peftFiles(adapter(name));
        const meta = await store.importFiles(
          { config: JSON.stringify(files.config), weights: files.weights },
          { name },
        );
        ids.set(name, meta.id);
      }
      const reqs = (id: (name: string) => string) =>
        ["alpha", "gamma"].map((name, i) => ({
          id: `s${i}`,
          prompt: "The old mill",
          max_tokens: 6,
          temperature: 0,
          adapter: id(name),
        }));
      const fromStore = await bytesEngine(loraFolder(), {}, { adapters: store });
      const fromMemory = await bytesEngine(loraFolder(), {}, { adapters: fixtureSource() });
      try {
        const a = await fromStore.generate(reqs((n) => ids.get(n)!));
        const b = await fromMemory.generate(reqs((n) => n));
        assert.deepEqual(a.map((r) => r.tokens), b.map((r) => r.tokens));
        const m = await fromStore.adapterMetrics();
        assert.deepEqual(new Set(m.resident), new Set(ids.values()));
        assert.equal(m.loads, 2);
      } finally {
        await fromStore.dispose();
        await fromMemory.dispose();
      }
    } finally {
      store.close();
    }
  },
});
