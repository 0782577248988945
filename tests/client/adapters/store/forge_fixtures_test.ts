/**
 * The forge's seeded adapters (models/fixtures/adapters/*) import from a real local HTTP server
 * and export byte for byte, so the store accepts what the forge writes (rank_pattern, rsLoRA).
 *
 * @module
 */
import assert from "node:assert/strict";
import { startStaticServer } from "../../../helpers/static_server.ts";
import { openTestStore, sha256Of } from "./store_fixtures.ts";

const ROOT = new URL("../../../..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURES = `${ROOT}/models/fixtures/adapters`;

Deno.test("every forge-written fixture adapter imports by URL and exports unchanged", async () => {
  const names: string[] = [];
  for await (const e of Deno.readDir(FIXTURES)) if (e.isDirectory) names.push(e.name);
  names.sort();
  assert.ok(names.length > 0, `no adapters under ${FIXTURES}`);
  const server = startStaticServer([{ prefix: "/adapters/", dir: FIXTURES }]);
  const { store } = await openTestStore();
  try {
    for (const name of names) {
      const config = await Deno.readTextFile(`${FIXTURES}/${name}/adapter_config.json`);
      const weights = await Deno.readFile(`${FIXTURES}/${name}/adapter_model.safetensors`);
      const meta = await store.importUrl(`${server.url}/adapters/${name}/`, { id: name });
      const expected = JSON.parse(config) as { r: number; rank_pattern?: Record<string, number> };
      assert.deepEqual(
        [meta.name, meta.r, meta.rankPattern, meta.bytes, meta.sha256],
        [
          name,
          expected.r,
          expected.rank_pattern ?? {},
          weights.byteLength,
          await sha256Of(weights),
        ],
      );
      const exported = await store.exportFiles(name);
      assert.equal(exported.config, config);
      assert.deepEqual(exported.weights, weights);
    }
    assert.deepEqual((await store.list()).map((m) => m.id), names);
  } finally {
    store.close();
    await server.close();
  }
});
