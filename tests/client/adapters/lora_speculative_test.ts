/**
 * Speculative decoding with adapters: the draft runs without adapters, the target with each
 * row's adapter, and greedy output still equals the merged model's. With the base model as the
 * draft, base rows accept every proposal and adapter rows fewer (printed).
 */
import assert from "node:assert/strict";
import type { GenerateRequest } from "../../../client/engine/api.ts";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import { fixturePath, ortTest } from "../engine/engine_fixtures.ts";
import { bytesEngine, fixtureSource, loraFolder, mergedFolder } from "./lora_helpers.ts";

Deno.test({
  name:
    "speculative rows with adapters decode exactly like their merged models (greedy, draft without adapters)",
  ...ortTest,
  fn: async () => {
    const adapters = [undefined, "alpha", "beta", undefined, "gamma"];
    const reqs: GenerateRequest[] = adapters.map((adapter, i) => ({
      id: `s${i}`,
      prompt: ["The river", "Hello there", "Numbers: 1 2 3", "Once upon", "Why?"][i]!,
      max_tokens: 12,
      temperature: 0,
      speculative: { gamma: 3 },
      ...(adapter !== undefined ? { adapter } : {}),
    }));
    const want: number[][] = [];
    for (const r of reqs) {
      const merged = await bytesEngine(mergedFolder(r.adapter));
      try {
        const { adapter: _a, speculative: _s, ...plain } = r;
        want.push((await merged.generate([plain]))[0]!.tokens);
      } finally {
        await merged.dispose();
      }
    }
    configureOrt({ numThreads: 1 });
    const engine = await createEngine({
      model: { kind: "bytes", files: loraFolder() },
      // The base model as its own draft: base rows accept every proposal, adapter rows show
      // what an adapter costs in acceptance.
      draft: { kind: "path", path: fixturePath("target") },
      ep: "wasm",
    }, { adapters: fixtureSource() });
    try {
      const got = await engine.generate(reqs);
      assert.deepEqual(got.map((r) => r.tokens), want);
      const rate = (rows: typeof got) => {
        const a = rows.reduce(
          (s, r) => s + r.usage.completion_tokens_details!.accepted_prediction_tokens,
          0,
        );
        const p = rows.reduce(
          (s, r) =>
            s + r.usage.completion_tokens_details!.accepted_prediction_tokens +
            r.usage.completion_tokens_details!.rejected_prediction_tokens,
          0,
        );
        return { accepted: a, proposed: p };
      };
      const base = rate(got.filter((_, i) => adapters[i] === undefined));
      const adapted = rate(got.filter((_, i) => adapters[i] !== undefined));
      assert.ok(base.proposed > 0 && adapted.proposed > 0);
      assert.equal(base.accepted, base.proposed);
      assert.ok(adapted.accepted < adapted.proposed);
      console.log(
        `[lora speculative] acceptance base rows ${base.accepted}/${base.proposed}, adapter rows ${adapted.accepted}/${adapted.proposed}`,
      );
      assert.equal((await engine.adapterMetrics()).loads, 3);
    } finally {
      await engine.dispose();
    }
  },
});
