import assert from "node:assert/strict";
import { InvalidRequestError, ModelLoadError } from "../../../../client/engine/errors.ts";
import type { LoadProgress } from "../../../../client/engine/loader/progress.ts";
import { connectWorkerEngine } from "../../../../client/engine/worker/worker_client.ts";
import { fromWireError, toWireError } from "../../../../client/engine/worker/protocol.ts";
import { fixtureEngine, fixturePath, ortTest } from "../engine_fixtures.ts";

// onnxruntime-web's wasm glue replaces globalThis.Worker with node:worker_threads' Worker once a
// session is created on this thread; keep Deno's web Worker from before that.
const WebWorker = globalThis.Worker;
const newWorker = () =>
  new WebWorker(new URL("./deno_engine_worker.ts", import.meta.url), { type: "module" });
const messages = [{ role: "user" as const, content: "Where does the river go?" }];

Deno.test("errors cross the wire with their class, name and cause", () => {
  const original = new InvalidRequestError("bad 'temperature'", {
    cause: new RangeError("too big"),
  });
  const rebuilt = fromWireError(structuredClone(toWireError(original)));
  assert.ok(rebuilt instanceof InvalidRequestError);
  assert.equal(rebuilt.name, "InvalidRequestError");
  assert.equal(rebuilt.message, "bad 'temperature'");
  assert.equal((rebuilt.cause as Error).name, "RangeError");
  const unknown = fromWireError({ name: "WeirdError", message: "m" });
  assert.equal(unknown.name, "WeirdError");
});

Deno.test({
  name: "the worker engine answers chat, streams, generate and stats like the in-process engine",
  ...ortTest,
  fn: async () => {
    const worker = newWorker();
    try {
      const progress: LoadProgress[] = [];
      const remote = await connectWorkerEngine(
        worker,
        { model: { kind: "path", path: fixturePath("target") }, ep: "wasm" },
        (p) => progress.push(p),
      );
      assert.ok(
        progress.length >= 5 && progress.at(-1)!.overall.loaded === progress.at(-1)!.overall.total,
      );
      assert.equal((await remote.info()).ep, "wasm");
      const local = await fixtureEngine("target", "wasm");
      try {
        const req = { messages, max_tokens: 12, temperature: 0 };
        const a = await remote.chat.completions.create(req);
        const b = await local.chat.completions.create(req);
        assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
        let streamed = "";
        for await (const c of await remote.chat.completions.create({ ...req, stream: true })) {
          streamed += c.choices[0]?.delta.content ?? "";
        }
        assert.equal(streamed, b.choices[0]!.message.content);
        const g = await remote.generate([{
          id: "x",
          prompt: "The mill",
          max_tokens: 5,
          temperature: 0,
        }]);
        const h = await local.generate([{
          id: "x",
          prompt: "The mill",
          max_tokens: 5,
          temperature: 0,
        }]);
        assert.deepEqual(g[0]!.tokens, h[0]!.tokens);
        assert.ok((await remote.stats()).decodeTokens > 0);
      } finally {
        await local.dispose();
      }
      await remote.dispose();
    } finally {
      worker.terminate();
    }
  },
});

Deno.test({
  name: "worker errors are rebuilt on the page side with their class and the engine stays usable",
  ...ortTest,
  fn: async () => {
    const bad = newWorker();
    try {
      await assert.rejects(
        connectWorkerEngine(bad, {
          model: { kind: "path", path: "/nonexistent/model" },
          ep: "wasm",
        }),
        (e: Error) => e instanceof ModelLoadError && e.name === "ModelLoadError",
      );
    } finally {
      bad.terminate();
    }
    const worker = newWorker();
    try {
      const remote = await connectWorkerEngine(worker, {
        model: { kind: "path", path: fixturePath("target") },
        ep: "wasm",
      });
      await assert.rejects(
        remote.chat.completions.create({ messages, top_p: 0 }),
        (e: Error) => e instanceof InvalidRequestError && /top_p/.test(e.message),
      );
      const ctrl = new AbortController();
      const stream = await remote.chat.completions.create({
        messages,
        max_tokens: 300,
        temperature: 0,
        repetition_penalty: 1.3,
        stream: true,
      }, { signal: ctrl.signal });
      let n = 0;
      await assert.rejects(async () => {
        for await (const _ of stream) if (++n === 3) ctrl.abort();
      }, (e: Error) => e.name === "GenerationAbortedError");
      const ok = await remote.chat.completions.create({ messages, max_tokens: 2 });
      assert.equal(ok.usage.completion_tokens, 2);
      await remote.dispose();
    } finally {
      worker.terminate();
    }
  },
});
