import assert from "node:assert/strict";
import { ChatCompletion, ChatCompletionChunk } from "../../../client/engine/api.ts";
import { fixtureEngine, ortTest } from "./engine_fixtures.ts";

const messages = [{ role: "user" as const, content: "Tell me about the river." }];

Deno.test({
  name: "chat.completions.create returns an OpenAI-shaped completion and a matching stream",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const done = await engine.chat.completions.create({
        messages,
        max_tokens: 16,
        temperature: 0,
      });
      ChatCompletion.parse(done);
      assert.equal(done.choices.length, 1);
      assert.equal(done.choices[0]!.finish_reason, "length");
      assert.equal(done.usage.completion_tokens, 16);
      const stream = await engine.chat.completions.create({
        messages,
        max_tokens: 16,
        temperature: 0,
        stream: true,
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const c of stream) chunks.push(ChatCompletionChunk.parse(c));
      assert.equal(chunks[0]!.choices[0]!.delta.role, "assistant");
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
      assert.equal(text, done.choices[0]!.message.content);
      assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, "length");
      assert.deepEqual(chunks.at(-1)!.usage, done.usage);
      assert.ok(chunks.length > 4, "tokens arrive as several chunks");
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "a seed reproduces sampled output, n > 1 gives independent choices, other seeds differ",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const req = { messages, max_tokens: 24, temperature: 1, top_p: 0.95, n: 3, seed: 7 };
      const a = await engine.chat.completions.create(req);
      const b = await engine.chat.completions.create(req);
      const c = await engine.chat.completions.create({ ...req, seed: 8 });
      const texts = (x: ChatCompletion) => x.choices.map((ch) => ch.message.content);
      assert.deepEqual(texts(a), texts(b));
      assert.notDeepEqual(texts(a), texts(c));
      assert.equal(new Set(texts(a)).size, 3, "three different choices");
      // Sampling may reach EOS early; a choice that did not ended at max_tokens.
      assert.ok(a.usage.completion_tokens > 0 && a.usage.completion_tokens <= 72);
      assert.ok(
        a.usage.completion_tokens === 72 || a.choices.some((ch) => ch.finish_reason === "stop"),
      );
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name:
    "stop strings end the text before the stop string with finish_reason stop, in stream and not",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const full =
        (await engine.chat.completions.create({ messages, max_tokens: 24, temperature: 0 }))
          .choices[0]!
          .message.content;
      const stop = full.slice(10, 13);
      const cut = full.indexOf(stop);
      const r = await engine.chat.completions.create({
        messages,
        max_tokens: 24,
        temperature: 0,
        stop: [stop],
      });
      assert.equal(r.choices[0]!.message.content, full.slice(0, cut));
      assert.equal(r.choices[0]!.finish_reason, "stop");
      const stream = await engine.chat.completions.create({
        messages,
        max_tokens: 24,
        temperature: 0,
        stop,
        stream: true,
      });
      let text = "";
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
      assert.equal(text, full.slice(0, cut));
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "generate reports score-token probabilities from the first position's distribution",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const [greedy] = await engine.generate([{
        id: "g",
        prompt: "The river",
        max_tokens: 1,
        temperature: 0,
      }]);
      const [scored] = await engine.generate([{
        id: "s",
        prompt: "The river",
        max_tokens: 1,
        temperature: 0,
        score_tokens: ["<|im_start|>", "<|im_end|>"],
      }]);
      assert.equal(scored!.tokens[0], greedy!.tokens[0]);
      const s = scored!.scores!;
      const total = Object.values(s).reduce((a, b) => a + b, 0);
      assert.ok(total > 0 && total < 1, `sum ${total}`);
      assert.ok(
        Math.exp(scored!.token_logprobs[0]!) >= Math.max(...Object.values(s)),
        "greedy token is most likely",
      );
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "aborting a stream rejects it with GenerationAbortedError and leaves the engine usable",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const ctrl = new AbortController();
      const stream = await engine.chat.completions.create({
        messages,
        max_tokens: 400,
        temperature: 0,
        stream: true,
      }, {
        signal: ctrl.signal,
      });
      let n = 0;
      await assert.rejects(async () => {
        for await (const _ of stream) if (++n === 5) ctrl.abort();
      }, (e: Error) => e.name === "GenerationAbortedError");
      const after = await engine.chat.completions.create({
        messages,
        max_tokens: 4,
        temperature: 0,
      });
      assert.equal(after.usage.completion_tokens, 4);
      assert.equal((await engine.stats()).active, 0);
    } finally {
      await engine.dispose();
    }
  },
});
