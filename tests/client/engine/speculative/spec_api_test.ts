import assert from "node:assert/strict";
import {
  ChatCompletion,
  ChatCompletionChunk,
  GenerateResult,
} from "../../../../client/engine/api.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import { InvalidRequestError, ModelMismatchError } from "../../../../client/engine/errors.ts";
import { fixtureEngine, fixturePath, ortTest } from "../engine_fixtures.ts";
import { specEngine } from "./spec_fixtures.ts";

const messages = [{ role: "user" as const, content: "Tell me about the river." }];

Deno.test({
  name:
    "a speculative chat completion streams the same text as its non-streamed form and both report prediction tokens",
  ...ortTest,
  fn: async () => {
    const engine = await specEngine("truncated", "wasm");
    try {
      const req = { messages, max_tokens: 20, temperature: 0, speculative: { gamma: 3 } };
      const done = ChatCompletion.parse(await engine.chat.completions.create(req));
      const plain = await fixtureEngine("target", "wasm");
      const expected = await plain.chat.completions.create({
        messages,
        max_tokens: 20,
        temperature: 0,
      });
      await plain.dispose();
      assert.equal(done.choices[0]!.message.content, expected.choices[0]!.message.content);
      const details = done.usage.completion_tokens_details!;
      assert.ok(details.accepted_prediction_tokens + details.rejected_prediction_tokens > 0);
      const stream = await engine.chat.completions.create({ ...req, stream: true });
      const chunks: ChatCompletionChunk[] = [];
      for await (const c of stream) chunks.push(ChatCompletionChunk.parse(c));
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
      assert.equal(text, done.choices[0]!.message.content);
      assert.deepEqual(
        chunks.at(-1)!.usage,
        done.usage,
        "greedy with a fixed gamma is deterministic",
      );
      assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, done.choices[0]!.finish_reason);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name:
    "with speculation a seed reproduces sampled output (fixed gamma and heuristic schedule), n > 1 gives independent choices and other seeds differ",
  ...ortTest,
  fn: async () => {
    const engine = await specEngine("truncated", "wasm");
    try {
      for (const speculative of [{ gamma: 3 }, { schedule: "heuristic" as const }]) {
        const req = {
          messages,
          max_tokens: 24,
          temperature: 0.9,
          top_p: 0.95,
          n: 3,
          seed: 7,
          speculative,
        };
        const texts = (x: ChatCompletion) => x.choices.map((ch) => ch.message.content);
        const a = await engine.chat.completions.create(req);
        const b = await engine.chat.completions.create(req);
        const c = await engine.chat.completions.create({ ...req, seed: 8 });
        assert.deepEqual(texts(a), texts(b));
        assert.deepEqual(a.usage, b.usage);
        assert.notDeepEqual(texts(a), texts(c));
        assert.equal(new Set(texts(a)).size, 3, "three different choices");
        const details = a.usage.completion_tokens_details!;
        assert.ok(
          details.accepted_prediction_tokens > 0,
          "the truncated draft gets tokens accepted",
        );
      }
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name:
    "stop strings and max_tokens end speculative rows exactly as target-only decoding does, mid-round",
  ...ortTest,
  fn: async () => {
    const plain = await fixtureEngine("target", "wasm");
    const engine = await specEngine("target", "wasm");
    try {
      const base = { messages, max_tokens: 30, temperature: 0 };
      const full = (await plain.chat.completions.create(base)).choices[0]!.message.content;
      const stop = full.slice(9, 12);
      for (const req of [{ ...base, stop: [stop] }, { ...base, max_tokens: 7 }]) {
        const want = await plain.chat.completions.create(req);
        // gamma 6 with an always-agreeing draft: the end falls inside a round.
        const got = await engine.chat.completions.create({ ...req, speculative: { gamma: 6 } });
        assert.equal(got.choices[0]!.message.content, want.choices[0]!.message.content);
        assert.equal(got.choices[0]!.finish_reason, want.choices[0]!.finish_reason);
        assert.equal(got.usage.completion_tokens, want.usage.completion_tokens);
      }
      const streamed = await engine.chat.completions.create({
        ...base,
        stop: [stop],
        stream: true,
        speculative: { gamma: 6 },
      });
      let text = "";
      for await (const c of streamed) text += c.choices[0]?.delta.content ?? "";
      assert.equal(text, full.slice(0, full.indexOf(stop)));
    } finally {
      await plain.dispose();
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "a draft equal to the target has every sampled proposal accepted (temperature 1, top_k 20)",
  ...ortTest,
  fn: async () => {
    const engine = await specEngine("target", "wasm");
    try {
      const results = await engine.generate([0, 1, 2].map((i) => ({
        id: `s${i}`,
        prompt: "Once upon a time",
        max_tokens: 30,
        temperature: 1,
        top_k: 20,
        seed: 100 + i,
        speculative: { gamma: 4 },
      })));
      const s = (await engine.stats()).speculative!;
      assert.ok(s.proposed >= 20, `proposed ${s.proposed}`);
      assert.equal(s.accepted, s.proposed);
      for (const r of results) GenerateResult.parse(r);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name:
    "gamma 0 for every row is plain decoding: no draft step runs and seeded samples equal the plain engine's",
  ...ortTest,
  fn: async () => {
    const plain = await fixtureEngine("target", "wasm");
    const engine = await specEngine("draft", "wasm");
    try {
      const reqs = [0, 1, 2].map((i) => ({
        id: `g${i}`,
        prompt: ["The river", "Hello", "Why?"][i]!,
        max_tokens: 16,
        temperature: 0.8,
        seed: 5,
      }));
      const want = await plain.generate(reqs);
      const got = await engine.generate(reqs.map((r) => ({ ...r, speculative: { gamma: 0 } })));
      assert.deepEqual(got.map((r) => r.tokens), want.map((r) => r.tokens));
      const s = (await engine.stats()).speculative!;
      assert.equal(s.draftSteps, 0);
      assert.equal(s.proposed, 0);
      assert.deepEqual(got[0]!.usage.completion_tokens_details, {
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      });
    } finally {
      await plain.dispose();
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "asking to speculate without a draft model, or with bad options, is an InvalidRequestError",
  ...ortTest,
  fn: async () => {
    const plain = await fixtureEngine("target", "wasm");
    try {
      await assert.rejects(
        plain.chat.completions.create({ messages, max_tokens: 2, speculative: { gamma: 2 } }),
        (e: Error) => e instanceof InvalidRequestError && /'draft'/.test(e.message),
      );
      const ok = await plain.chat.completions.create({
        messages,
        max_tokens: 2,
        speculative: { gamma: 0 },
      });
      assert.equal(
        ok.usage.completion_tokens_details,
        undefined,
        "plain engines report no predictions",
      );
      await assert.rejects(
        plain.generate([{ id: "x", prompt: "Hi", speculative: { gamma: 99 } }]),
        (e: Error) => e instanceof InvalidRequestError && /speculative\.gamma/.test(e.message),
      );
    } finally {
      await plain.dispose();
    }
  },
});

Deno.test({
  name: "createEngine rejects a draft whose vocabulary or tokenizer differs from the target's",
  ...ortTest,
  fn: async () => {
    const dir = fixturePath("draft");
    const files: Record<string, Uint8Array> = {};
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      files[f] = await Deno.readFile(`${dir}/${f}`);
    }
    const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const config = json(files["config.json"]!);
    const tokenizer = json(files["tokenizer.json"]!);
    const vocab = tokenizer.model.vocab as Record<string, number>;
    const [first] = Object.keys(vocab);
    const renamed = { ...vocab, [`${first}x`]: vocab[first!]! };
    delete renamed[first!];
    const cases = [
      {
        files: { ...files, "config.json": bytes({ ...config, vocab_size: 600 }) },
        what: /vocab_size/,
      },
      {
        files: {
          ...files,
          "tokenizer.json": bytes({ ...tokenizer, model: { ...tokenizer.model, vocab: renamed } }),
        },
        what: /tokenizer\.json 'model' differs/,
      },
    ];
    for (const c of cases) {
      await assert.rejects(
        createEngine({
          model: { kind: "path", path: fixturePath("target") },
          draft: { kind: "bytes", files: c.files },
          ep: "wasm",
        }),
        (e: Error) => e instanceof ModelMismatchError && c.what.test(e.message),
      );
    }
  },
});
