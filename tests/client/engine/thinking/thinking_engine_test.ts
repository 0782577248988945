import assert from "node:assert/strict";
import type { Engine, GenerateRequest, GenerateResult } from "../../../../client/engine/api.ts";
import { START_OF_THOUGHT } from "../../../../client/engine/thinking/options.ts";
import { ortTest } from "../engine_fixtures.ts";
import { thinkingEngine } from "./thinking_model.ts";

const PROMPT = "The quick brown fox";
const MARKERS = [3, 4]; // <|startofthought|>, <|endofthought|> in the forged tokenizer

async function one(engine: Engine, req: Omit<GenerateRequest, "id">): Promise<GenerateResult> {
  const [r] = await engine.generate([{ id: "a", prompt: PROMPT, ...req }]);
  return r!;
}

async function withEngine(fn: (e: Engine) => Promise<void>): Promise<void> {
  const engine = await thinkingEngine();
  try {
    await fn(engine);
  } finally {
    await engine.dispose();
  }
}

Deno.test({
  name:
    "thinking with w = 0 reproduces the plain run's tokens and logprobs exactly, greedy and sampled",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      for (const sampling of [{ temperature: 0 }, { temperature: 0.9, seed: 7 }]) {
        const plain = await one(engine, { max_tokens: 10, ...sampling });
        const w0 = await one(engine, {
          max_tokens: 10,
          ...sampling,
          thinking: { k: 2, t: 3, w: 0 },
        });
        assert.deepEqual(w0.tokens, plain.tokens);
        assert.deepEqual(w0.token_logprobs, plain.token_logprobs);
        assert.equal(w0.text, plain.text);
        // The thoughts really ran: 10 steps of 2 thoughts of 3 tokens.
        assert.equal(w0.thinking?.thought_tokens, 60);
      }
    }),
});

Deno.test({
  name: "thinking with w = 0.5 changes the output and never emits thought tokens or markers",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const plain = await one(engine, { max_tokens: 12, temperature: 0 });
      const r = await one(engine, {
        max_tokens: 12,
        temperature: 0,
        thinking: { k: 2, t: 4, w: 0.5, trace: true },
      });
      assert.notDeepEqual(r.token_logprobs, plain.token_logprobs);
      assert.equal(r.tokens.length, 12);
      assert.equal(r.usage.completion_tokens, 12);
      for (const m of MARKERS) assert.ok(!r.tokens.includes(m), `marker ${m} in output`);
      assert.ok(!r.text.includes(START_OF_THOUGHT));
      // Thought tokens were sampled (96 of them) yet the output holds only the 12 emitted ones.
      const thoughts = r.thinking!.trace!.flatMap((s) => s.thoughts.flat());
      assert.equal(thoughts.length, 96);
      assert.equal(r.usage.completion_tokens_details?.thought_tokens, 96);
      for (const th of thoughts) assert.ok(!MARKERS.includes(th), `marker ${th} in a thought`);
      assert.equal(r.thinking!.w_label, "untrained");
      assert.equal(r.thinking!.mean_w, 0.5);
    }),
});

Deno.test({
  name: "K thoughts of t tokens run at every emitted token and the cost per token is reported",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const r = await one(engine, {
        max_tokens: 4,
        temperature: 0,
        thinking: { k: 3, t: 2, w: 0.3, trace: true },
      });
      const s = r.thinking!;
      assert.equal(s.emitted_tokens, 4);
      assert.equal(s.thinking_steps, 4);
      assert.equal(s.thought_tokens, 4 * 3 * 2);
      // One base pass per token plus t + 1 thought passes per thinking step.
      assert.equal(s.forward_passes, 4 + 4 * (2 + 1));
      assert.equal(s.thought_row_steps, 4 * 3 * (2 + 1));
      assert.deepEqual(s.per_token, {
        thought_tokens: 6,
        forward_passes: 4,
        thought_ms: s.thought_ms / 4,
      });
      assert.ok(s.thought_ms > 0);
      assert.deepEqual(s.trace!.map((st) => st.thoughts.map((th) => th.length)), [
        [2, 2, 2],
        [2, 2, 2],
        [2, 2, 2],
        [2, 2, 2],
      ]);
    }),
});

Deno.test({
  name:
    "only_above_entropy skips thinking exactly at the steps whose base entropy is at or below it",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const req = { max_tokens: 12, temperature: 0 } as const;
      const all = await one(engine, { ...req, thinking: { k: 1, t: 2, w: 0, trace: true } });
      const entropies = all.thinking!.trace!.map((s) => s.entropy);
      const sorted = [...entropies].sort((a, b) => a - b);
      const threshold = sorted[6]!;
      const gated = await one(engine, {
        ...req,
        thinking: { k: 1, t: 2, w: 0, trace: true, only_above_entropy: threshold },
      });
      const trace = gated.thinking!.trace!;
      assert.deepEqual(trace.map((s) => s.entropy), entropies);
      assert.deepEqual(trace.map((s) => s.thought), entropies.map((h) => h > threshold));
      const thinking = entropies.filter((h) => h > threshold).length;
      assert.ok(thinking > 0 && thinking < 12, `thinking steps ${thinking}`);
      assert.equal(gated.thinking!.thinking_steps, thinking);
      assert.equal(gated.thinking!.thought_tokens, thinking * 2);
      for (const s of trace) assert.equal(s.thoughts.length, s.thought ? 1 : 0);
    }),
});

Deno.test({
  name: "entropy-gated w is 0 (no thoughts) at or below the threshold and rises linearly to max_w",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const req = { max_tokens: 10, temperature: 0 } as const;
      const all = await one(engine, { ...req, thinking: { k: 1, t: 2, w: 0, trace: true } });
      const sorted = all.thinking!.trace!.map((s) => s.entropy).sort((a, b) => a - b);
      const threshold = sorted[4]!;
      const r = await one(engine, {
        ...req,
        thinking: {
          k: 1,
          t: 2,
          w: "entropy",
          entropy_threshold: threshold,
          max_w: 0.4,
          trace: true,
        },
      });
      const top = Math.log(320);
      const trace = r.thinking!.trace!;
      assert.equal(r.thinking!.w_source, "entropy");
      for (const s of trace) {
        const want = 0.4 * Math.min(1, Math.max(0, (s.entropy - threshold) / (top - threshold)));
        assert.ok(Math.abs(s.w - want) < 1e-12, `w ${s.w} vs ${want}`);
        assert.equal(s.thought, want > 0);
      }
      // The first step's entropy equals the w = 0 run's (same prompt), so at least it is gated right.
      assert.ok(trace.some((s) => !s.thought), "some steps skip");
    }),
});

Deno.test({
  name: "two batched thinking requests give the same results as the same rows run one at a time",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const reqs: GenerateRequest[] = [
        {
          id: "x",
          prompt: PROMPT,
          max_tokens: 6,
          temperature: 0,
          seed: 11, // thoughts sample at temperature 1 from the seed's thought stream
          thinking: { k: 2, t: 3, w: 0.5 },
        },
        {
          id: "y",
          prompt: "Once upon a time there was a small",
          max_tokens: 8,
          temperature: 0.8,
          seed: 3,
          thinking: { k: 1, t: 2, w: 0.25, trace: true },
        },
      ];
      // Rows draw from streams by their index in the call, so "alone" is the same call on an
      // engine that runs one row at a time.
      const serial = await thinkingEngine("wasm", 1);
      let alone: GenerateResult[];
      try {
        alone = await serial.generate(reqs);
      } finally {
        await serial.dispose();
      }
      const before = await engine.stats();
      const batched = await engine.generate(reqs);
      const after = await engine.stats();
      // Both rows shared decode steps.
      assert.ok(after.rowSteps - before.rowSteps > after.decodeSteps - before.decodeSteps);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(batched[i]!.tokens, alone[i]!.tokens, reqs[i]!.id);
        batched[i]!.token_logprobs.forEach((lp, j) =>
          assert.ok(Math.abs(lp - alone[i]!.token_logprobs[j]!) < 1e-4, `${reqs[i]!.id} ${j}`)
        );
        assert.equal(batched[i]!.thinking!.thought_tokens, alone[i]!.thinking!.thought_tokens);
      }
      assert.equal(batched[0]!.thinking!.thought_tokens, 6 * 2 * 3);
      assert.equal(batched[1]!.thinking!.thought_tokens, 8 * 1 * 2);
    }),
});

Deno.test({
  name: "a streamed thinking chat yields the non-streamed text and reports thinking on finish",
  ...ortTest,
  fn: () =>
    withEngine(async (engine) => {
      const req = {
        messages: [{ role: "user" as const, content: "Hello there" }],
        max_tokens: 8,
        temperature: 0,
        seed: 5,
        thinking: { k: 2, t: 2, w: 0.5 },
      };
      const whole = await engine.chat.completions.create(req);
      const stream = await engine.chat.completions.create({ ...req, stream: true });
      let text = "";
      let finished: unknown;
      let thought: number | undefined;
      for await (const c of stream) {
        text += c.choices[0]?.delta.content ?? "";
        if (c.choices[0]?.finish_reason) finished = c.choices[0].thinking;
        if (c.usage) thought = c.usage.completion_tokens_details?.thought_tokens;
      }
      assert.equal(text, whole.choices[0]!.message.content);
      assert.deepEqual(
        (finished as { thought_tokens: number }).thought_tokens,
        whole.choices[0]!.thinking!.thought_tokens,
      );
      assert.equal(thought, whole.usage.completion_tokens * 2 * 2);
    }),
});
