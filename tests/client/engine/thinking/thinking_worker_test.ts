import assert from "node:assert/strict";
import { connectWorkerEngine } from "../../../../client/engine/worker/worker_client.ts";
import { InvalidRequestError } from "../../../../client/engine/errors.ts";
import { ortTest } from "../engine_fixtures.ts";
import { thinkingEngine, thinkingModelPath } from "./thinking_model.ts";

// Keep Deno's web Worker before onnxruntime-web replaces globalThis.Worker (see worker tests).
const WebWorker = globalThis.Worker;

Deno.test({
  name: "thinking crosses the worker transport: same tokens, stats and errors as in-process",
  ...ortTest,
  fn: async () => {
    const path = await thinkingModelPath();
    const worker = new WebWorker(
      new URL("../worker/deno_engine_worker.ts", import.meta.url),
      { type: "module" },
    );
    const local = await thinkingEngine();
    try {
      const remote = await connectWorkerEngine(worker, {
        model: { kind: "path", path },
        ep: "wasm",
      });
      const req = {
        id: "w",
        prompt: "The quick brown fox",
        max_tokens: 5,
        temperature: 0,
        seed: 4,
        thinking: { k: 2, t: 2, w: 0.5, trace: true },
      };
      const [a] = await remote.generate([req]);
      const [b] = await local.generate([req]);
      assert.deepEqual(a!.tokens, b!.tokens);
      assert.deepEqual(a!.thinking!.trace, b!.thinking!.trace);
      assert.equal(a!.usage.completion_tokens_details?.thought_tokens, 20);
      await assert.rejects(
        remote.generate([{ ...req, thinking: { w: "head" } }]),
        (e: Error) => e instanceof InvalidRequestError && /no mixing head/.test(e.message),
      );
      await remote.dispose();
    } finally {
      await local.dispose();
      worker.terminate();
    }
  },
});
