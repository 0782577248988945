/**
 * runPipeline's failures: unreachable edge, the edge's error shape, responses that break the
 * protocol, and aborts before, during generation and during a request. Each is a typed error
 * with a message that says what happened.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Engine } from "../../../client/engine/api.ts";
import {
  EdgeRequestError,
  EdgeResponseError,
  EdgeUnreachableError,
  PipelineAbortedError,
} from "../../../client/pipelines/errors.ts";
import { runPipeline, type RunPipelineOptions } from "../../../client/pipelines/run_pipeline.ts";
import { DEFAULT_LIMITS } from "../../../functions/config.ts";
import { testApp, testSettings } from "../../functions/app_fixture.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import { appFetch, edgeApp, recording } from "./pipeline_fixture.ts";

const ASK = [{ role: "user" as const, content: "Where does Ada live?" }];

/** A fetch that answers every request with `status` and `body`. */
function answering(status: number, body: string, calls: string[] = []): typeof fetch {
  return (input) => {
    calls.push(String(input));
    return Promise.resolve(
      new Response(body, { status, headers: { "content-type": "application/json" } }),
    );
  };
}

Deno.test({
  name: "runPipeline turns every failure into a typed error",
  ...ortTest,
  fn: async (t) => {
    const app = await edgeApp();
    const real = await fixtureEngine("target", "wasm");
    const base = (engine: Engine): RunPipelineOptions => ({
      edgeUrl: "http://edge.test",
      fetch: appFetch(app),
      engine,
      pipeline: ["cove"],
      messages: ASK,
      options: { max_tokens: 8 },
    });
    try {
      await t.step("a closed port is EdgeUnreachableError naming the URL", async () => {
        const server = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen: () => {} },
          () => new Response(),
        );
        const port = server.addr.port;
        await server.shutdown();
        const err = await runPipeline({
          ...base(real),
          fetch: globalThis.fetch,
          edgeUrl: `http://127.0.0.1:${port}`,
        }).then(() => null, (e: unknown) => e);
        assert.ok(err instanceof EdgeUnreachableError, String(err));
        assert.equal(err.name, "EdgeUnreachableError");
        assert.equal(err.url, `http://127.0.0.1:${port}/v1/pipelines/start`);
        assert.match(err.message, /^Cannot reach the edge at http:\/\/127\.0\.0\.1:\d+\/v1/);
      });

      await t.step(
        "the edge's error shape becomes EdgeRequestError with status and code",
        async () => {
          const err = await runPipeline({ ...base(real), pipeline: ["cove", "s2a"] })
            .then(() => null, (e: unknown) => e);
          assert.ok(err instanceof EdgeRequestError, String(err));
          assert.equal(err.status, 400);
          assert.equal(err.code, "invalid_request");
          assert.match(
            err.message,
            /^The edge refused \/v1\/pipelines\/start with 400 invalid_request: /,
          );
        },
      );

      await t.step("a rate-limited edge says when to retry", async () => {
        // One request per client and no refill: start passes, the first step is refused.
        const { app: strict } = await testApp(testSettings({
          limits: { ...DEFAULT_LIMITS, rateLimitPerSecond: 0.01, rateLimitBurst: 1 },
        }));
        const err = await runPipeline({ ...base(real), fetch: appFetch(strict) })
          .then(() => null, (e: unknown) => e);
        assert.ok(err instanceof EdgeRequestError, String(err));
        assert.deepEqual([err.status, err.code], [429, "rate_limited"]);
        assert.ok((err.retryAfterSeconds ?? 0) >= 1, String(err.retryAfterSeconds));
      });

      await t.step("a tampered state is refused by the real edge with state_tampered", async () => {
        const inner = appFetch(app);
        const tampering: typeof fetch = async (input, init) => {
          if (String(input).endsWith("/step") && typeof init?.body === "string") {
            const body = JSON.parse(init.body);
            const sig = body.state.slice(-4);
            body.state = body.state.slice(0, -4) + (sig === "AAAA" ? "BBBB" : "AAAA");
            return await inner(input, { ...init, body: JSON.stringify(body) });
          }
          return await inner(input, init);
        };
        const err = await runPipeline({ ...base(real), fetch: tampering })
          .then(() => null, (e: unknown) => e);
        assert.ok(err instanceof EdgeRequestError, String(err));
        assert.equal(err.status, 401);
        assert.equal(err.code, "state_tampered");
      });

      const broken: [string, number, string, RegExp][] = [
        ["an action-less pending response", 200, '{"state":"s","actions":[]}', /'actions'/],
        [
          "a request without prompt or messages",
          200,
          JSON.stringify({
            state: "s",
            actions: [{
              kind: "generate",
              requests: [{ id: "a", max_tokens: 1, temperature: 0, stop: [] }],
            }],
          }),
          /does not match the protocol/,
        ],
        ["a body that is not JSON", 200, "<html>proxy</html>", /must be JSON: HTTP 200/],
        [
          "an error without the error shape",
          502,
          '{"oops":1}',
          /must be \{ error: \{ code, message \} \}: HTTP 502/,
        ],
      ];
      for (const [what, status, body, message] of broken) {
        await t.step(`${what} is EdgeResponseError`, async () => {
          const err = await runPipeline({ ...base(real), fetch: answering(status, body) })
            .then(() => null, (e: unknown) => e);
          assert.ok(err instanceof EdgeResponseError, String(err));
          assert.match(err.message, message);
        });
      }

      await t.step("an already aborted signal stops before any request", async () => {
        const calls: string[] = [];
        const controller = new AbortController();
        controller.abort();
        const err = await runPipeline({
          ...base(real),
          fetch: answering(200, "{}", calls),
          signal: controller.signal,
        }).then(() => null, (e: unknown) => e);
        assert.ok(err instanceof PipelineAbortedError, String(err));
        assert.deepEqual(calls, []);
      });

      await t.step(
        "aborting during generation stops the run and leaves the engine usable",
        async () => {
          const { engine, calls } = recording(real);
          const controller = new AbortController();
          const err = await runPipeline({
            ...base(engine),
            options: { max_tokens: 200 },
            signal: controller.signal,
            onEvent: (e) => {
              if (e.kind === "generate") queueMicrotask(() => controller.abort());
            },
          }).then(() => null, (e: unknown) => e);
          assert.ok(err instanceof PipelineAbortedError, String(err));
          assert.equal(calls.generate.length, 1, "no request after the abort");
          assert.equal((err.cause as Error | undefined)?.name, "GenerationAbortedError");
          const after = await runPipeline(base(real));
          assert.equal(after.trace[0]?.event, "baseline");
        },
      );

      await t.step("aborting while the edge is answering is PipelineAbortedError", async () => {
        const controller = new AbortController();
        const hanging: typeof fetch = (_input, init) =>
          new Promise((_resolve, reject) => {
            init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
            setTimeout(() => controller.abort(), 10);
          });
        const err = await runPipeline({ ...base(real), fetch: hanging, signal: controller.signal })
          .then(() => null, (e: unknown) => e);
        assert.ok(err instanceof PipelineAbortedError, String(err));
      });
    } finally {
      await real.dispose();
    }
  },
});
