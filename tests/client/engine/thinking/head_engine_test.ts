import assert from "node:assert/strict";
import type { Engine, GenerateRequest, GenerateResult } from "../../../../client/engine/api.ts";
import { hasMixingHead } from "../../../../client/engine/thinking/options.ts";
import { ortTest } from "../engine_fixtures.ts";
import { headEngine, type HeadKind } from "./head_model.ts";

const PROMPT = "The quick brown fox";

async function one(engine: Engine, req: Omit<GenerateRequest, "id">): Promise<GenerateResult> {
  const [r] = await engine.generate([{ id: "a", prompt: PROMPT, ...req }]);
  return r!;
}

async function withHead(head: HeadKind, fn: (e: Engine) => Promise<void>): Promise<void> {
  const engine = await headEngine(head);
  try {
    await fn(engine);
  } finally {
    await engine.dispose();
  }
}

Deno.test("hasMixingHead needs both the config declaration and the graph output", () => {
  const declared = { quiet_star: { mixing_head: true } };
  assert.equal(hasMixingHead(declared, { hasMixingWeight: true }), true);
  assert.equal(hasMixingHead(declared, { hasMixingWeight: false }), false);
  assert.equal(hasMixingHead({}, { hasMixingWeight: true }), false);
  assert.equal(
    hasMixingHead({ quiet_star: { mixing_head: false } }, { hasMixingWeight: true }),
    false,
  );
});

Deno.test({
  name: "w 'head' with a zero-initialized head reproduces the plain run exactly, thoughts running",
  ...ortTest,
  fn: () =>
    withHead({ kind: "zero" }, async (engine) => {
      for (const sampling of [{ temperature: 0 }, { temperature: 0.9, seed: 7 }]) {
        const plain = await one(engine, { max_tokens: 8, ...sampling });
        const head = await one(engine, {
          max_tokens: 8,
          ...sampling,
          thinking: { k: 2, t: 3, w: "head", trace: true },
        });
        assert.deepEqual(head.tokens, plain.tokens);
        assert.deepEqual(head.token_logprobs, plain.token_logprobs);
        const s = head.thinking!;
        assert.equal(s.w_source, "head");
        assert.equal(s.w_label, "trained");
        assert.equal(s.mean_w, 0);
        assert.equal(s.thought_tokens, 8 * 2 * 3);
        assert.ok(s.trace!.every((st) => st.w === 0 && st.thought));
      }
    }),
});

for (const w of [1, 0.3]) {
  Deno.test({
    name:
      `a constant head (w = ${w}) mixes exactly like fixed w = ${w}: same thoughts, tokens, logprobs within 1e-4`,
    ...ortTest,
    fn: () =>
      withHead({ kind: "constant", w }, async (engine) => {
        const req = { max_tokens: 8, temperature: 0, seed: 5 } as const;
        const fixed = await one(engine, { ...req, thinking: { k: 2, t: 3, w, trace: true } });
        const head = await one(engine, {
          ...req,
          thinking: { k: 2, t: 3, w: "head", trace: true },
        });
        assert.deepEqual(head.tokens, fixed.tokens);
        head.token_logprobs.forEach((lp, i) =>
          assert.ok(Math.abs(lp - fixed.token_logprobs[i]!) < 1e-4, `logprob ${i}`)
        );
        const ht = head.thinking!.trace!;
        assert.deepEqual(ht.map((s) => s.thoughts), fixed.thinking!.trace!.map((s) => s.thoughts));
        for (const s of ht) assert.ok(Math.abs(s.w - w) < 1e-6, `w ${s.w}`);
        assert.ok(Math.abs(head.thinking!.mean_w - w) < 1e-6);
      }),
  });
}

Deno.test({
  name: "a varying head gives per-step w in [0, 1] from the model and changes the output",
  ...ortTest,
  fn: () =>
    withHead({ kind: "varying" }, async (engine) => {
      const plain = await one(engine, { max_tokens: 10, temperature: 0 });
      const head = await one(engine, {
        max_tokens: 10,
        temperature: 0,
        seed: 2,
        thinking: { k: 2, t: 2, w: "head", trace: true },
      });
      const ws = head.thinking!.trace!.map((s) => s.w);
      assert.equal(ws.length, 10);
      for (const w of ws) assert.ok(w >= 0 && w <= 1, `w ${w}`);
      assert.ok(new Set(ws).size > 1, `w constant: ${ws}`);
      assert.ok(ws.some((w) => w > 0));
      assert.notDeepEqual(head.token_logprobs, plain.token_logprobs);
      for (const m of [3, 4]) assert.ok(!head.tokens.includes(m));
    }),
});
