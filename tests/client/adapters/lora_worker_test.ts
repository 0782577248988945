/**
 * Adapters over the worker transport: per-request adapters give what the in-process engine
 * gives, adapterMetrics() crosses the wire, and AdapterError is rebuilt with its class.
 */
import assert from "node:assert/strict";
import { AdapterError } from "../../../client/engine/errors.ts";
import { connectWorkerEngine } from "../../../client/engine/worker/worker_client.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import { bytesEngine, fixtureSource, loraFolder } from "./lora_helpers.ts";

// onnxruntime-web's wasm glue replaces globalThis.Worker once a session exists on this thread.
const WebWorker = globalThis.Worker;
const loraPath = new URL("../../../models/fixtures/target_lora", import.meta.url).pathname;

Deno.test({
  name:
    "the worker engine serves adapter requests and reports adapterMetrics like the in-process engine",
  ...ortTest,
  fn: async () => {
    const worker = new WebWorker(new URL("./lora_worker.ts", import.meta.url), { type: "module" });
    try {
      const remote = await connectWorkerEngine(worker, {
        model: { kind: "path", path: loraPath },
        ep: "wasm",
        adapterSlots: 2,
      });
      const local = await bytesEngine(loraFolder(), { adapterSlots: 2 }, {
        adapters: fixtureSource(),
      });
      try {
        const reqs = ["alpha", "gamma", "epsilon"].map((adapter, i) => ({
          id: `w${i}`,
          prompt: "The mill by the river",
          max_tokens: 6,
          temperature: 0,
          adapter,
        }));
        const a = await remote.generate(reqs);
        const b = await local.generate(reqs);
        assert.deepEqual(a.map((r) => r.tokens), b.map((r) => r.tokens));
        const chat = {
          messages: [{ role: "user" as const, content: "Hi" }],
          max_tokens: 5,
          temperature: 0,
          adapter: "beta",
        };
        assert.equal(
          (await remote.chat.completions.create(chat)).choices[0]!.message.content,
          (await local.chat.completions.create(chat)).choices[0]!.message.content,
        );
        const m = await remote.adapterMetrics();
        assert.equal(m.slots, 2);
        assert.equal(m.loads, 4);
        assert.ok(m.evictions >= 2);
        assert.equal(m.resident[0], "beta");
        await assert.rejects(
          remote.generate([{ ...reqs[0]!, adapter: "missing" }]),
          (e: Error) => e instanceof AdapterError && /adapter 'missing'/.test(e.message),
        );
      } finally {
        await local.dispose();
        await remote.dispose();
      }
    } finally {
      worker.terminate();
    }
  },
});
