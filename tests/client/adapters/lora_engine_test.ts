/**
 * Multi-LoRA through the engine API (wasm): mixed-adapter batches and per-request adapters give
 * what each request gives alone on its merged model; more adapters than slots stays exact under
 * eviction thrash with no "no free slot" failure; chat.completions.create takes `adapter`.
 */
import assert from "node:assert/strict";
import type { Engine, GenerateRequest, GenerateResult } from "../../../client/engine/api.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import { bytesEngine, fixtureSource, loraFolder, mergedFolder } from "./lora_helpers.ts";

const PROMPTS = [
  "The river",
  "A much longer prompt about the old mill and the river that runs past it",
  "Hello",
  "Numbers: 1 2 3 4 5 6 7",
  "Once upon a time there was a small town",
  "Why?",
];

/** Reference results: each request alone on an engine over its adapter merged into the weights. */
async function mergedReference(reqs: readonly GenerateRequest[]): Promise<GenerateResult[]> {
  const out: GenerateResult[] = new Array(reqs.length);
  const names = [...new Set(reqs.map((r) => r.adapter))];
  for (const name of names) {
    const engine = await bytesEngine(mergedFolder(name));
    try {
      for (const [i, r] of reqs.entries()) {
        if (r.adapter !== name) continue;
        const { adapter: _a, ...plain } = r;
        out[i] = (await engine.generate([plain]))[0]!;
      }
    } finally {
      await engine.dispose();
    }
  }
  return out;
}

function assertSame(got: GenerateResult[], want: GenerateResult[]): void {
  assert.deepEqual(got.map((r) => r.tokens), want.map((r) => r.tokens));
  for (const [i, r] of got.entries()) {
    const lp = want[i]!.token_logprobs;
    r.token_logprobs.forEach((x, j) =>
      assert.ok(Math.abs(x - lp[j]!) < 1e-3, `row ${i} token ${j}: ${x} vs ${lp[j]}`)
    );
  }
}

async function withLoraEngine<T>(
  init: { maxBatch?: number; adapterSlots?: number },
  body: (engine: Engine) => Promise<T>,
): Promise<T> {
  const engine = await bytesEngine(loraFolder(), init, { adapters: fixtureSource() });
  try {
    return await body(engine);
  } finally {
    await engine.dispose();
  }
}

Deno.test({
  name:
    "a batch mixing four adapters and the base model generates what each request generates alone on its merged model",
  ...ortTest,
  fn: async () => {
    const adapters = ["alpha", undefined, "beta", "gamma", "delta", "alpha"];
    const reqs: GenerateRequest[] = adapters.map((adapter, i) => ({
      id: `r${i}`,
      prompt: PROMPTS[i]!,
      max_tokens: 6 + 2 * i,
      temperature: 0,
      ...(adapter !== undefined ? { adapter } : {}),
    }));
    const want = await mergedReference(reqs);
    await withLoraEngine({ maxBatch: 8, adapterSlots: 4 }, async (engine) => {
      const got = await engine.generate(reqs);
      assertSame(got, want);
      const m = await engine.adapterMetrics();
      assert.equal(m.slots, 4);
      assert.equal(m.location, "cpu");
      assert.equal(m.misses, 4);
      assert.equal(m.loads, 4);
      assert.equal(m.evictions, 0);
      assert.deepEqual(new Set(m.resident), new Set(["alpha", "beta", "gamma", "delta"]));
      // Adapters change the output: the alpha rows differ from the base model's.
      assert.notDeepEqual(
        got[0]!.tokens,
        (await mergedReference([{ ...reqs[0]!, adapter: undefined }]))[0]!.tokens,
      );
    });
  },
});

Deno.test({
  name:
    "more adapters than slots stays exact under thrash: rows wait for slots, LRU evicts, nothing fails",
  ...ortTest,
  fn: async () => {
    const names = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const reqs: GenerateRequest[] = Array.from({ length: 10 }, (_, i) => ({
      id: `t${i}`,
      prompt: PROMPTS[i % PROMPTS.length]!,
      max_tokens: 3 + (i * 7) % 9,
      temperature: 0,
      adapter: names[(i * 3) % names.length]!,
    }));
    const want = await mergedReference(reqs);
    await withLoraEngine({ maxBatch: 6, adapterSlots: 2 }, async (engine) => {
      const got = await engine.generate(reqs);
      assertSame(got, want);
      const m = await engine.adapterMetrics();
      assert.equal(m.slots, 2);
      assert.ok(m.evictions >= 3, `evictions ${m.evictions}`);
      assert.ok(m.queuedForSlots >= 1, `queued ${m.queuedForSlots}`);
      assert.equal(m.loadFailures, 0);
      assert.equal(m.hits + m.misses >= 5, true);
      assert.ok(m.resident.length <= 2);
      // A second pass over the same requests is still exact.
      assertSame(await engine.generate(reqs.slice(0, 4)), want.slice(0, 4));
    });
  },
});

Deno.test({
  name: "chat.completions.create({ adapter }) answers like the merged model, streamed or not",
  ...ortTest,
  fn: async () => {
    const messages = [{ role: "user" as const, content: "Where does the river go?" }];
    const merged = await bytesEngine(mergedFolder("beta"));
    let want: string;
    try {
      want = (await merged.chat.completions.create({ messages, max_tokens: 10, temperature: 0 }))
        .choices[0]!.message.content;
    } finally {
      await merged.dispose();
    }
    await withLoraEngine({}, async (engine) => {
      const req = { messages, max_tokens: 10, temperature: 0, adapter: "beta" };
      const reply = await engine.chat.completions.create(req);
      assert.equal(reply.choices[0]!.message.content, want);
      let streamed = "";
      for await (const c of await engine.chat.completions.create({ ...req, stream: true })) {
        streamed += c.choices[0]?.delta.content ?? "";
      }
      assert.equal(streamed, want);
      const m = await engine.adapterMetrics();
      assert.equal(m.misses, 1);
      assert.equal(m.hits, 1);
    });
  },
});
