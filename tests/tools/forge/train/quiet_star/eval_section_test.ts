import assert from "node:assert/strict";
import type { EvalContext } from "../../../../../tools/eval/context.ts";
import { quietStarSection } from "../../../../../tools/eval/sections/quiet_star.ts";
import { presetConfig } from "../../../../../tools/forge/train/presets.ts";
import { initLlamaWeights } from "../../../../../tools/forge/weights.ts";
import { initMixingHead } from "../../../../../tools/forge/train/quiet_star/mixing_head.ts";
import { exportThinkingFolder } from "../../../../../tools/forge/train/quiet_star/export.ts";

const ortTest = { sanitizeOps: false, sanitizeResources: false } as const;

function context(modelsDir: string, limit: number): EvalContext {
  return {
    modelsDir,
    edgeUrl: "http://127.0.0.1:1",
    engine: () => Promise.reject(new Error("the quiet_star section loads its own engine")),
    limit,
    seed: 3,
    log: () => {},
  };
}

Deno.test("without a thinking model the section returns rows with a note and no numbers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await quietStarSection.run(context(dir, 5));
    assert.equal(r.rows.length, 4);
    for (const row of r.rows) {
      assert.equal(row.n, 0);
      assert.match(row.note!, /not measured: no thinking model/);
    }
    assert.deepEqual(r.summary, {});
    assert.deepEqual(r.gains, {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "on a world-tokenizer model with a zero-initialized head, thinking equals w = 0: loss delta 0, same accuracy",
  ...ortTest,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const config = presetConfig("tiny", 1024);
      await exportThinkingFolder(
        `${dir}/thinking`,
        {
          config,
          weights: initLlamaWeights(config, 5),
          head: initMixingHead(config.hidden_size, 1),
          trained: { k: 2, t: 2, steps: 0 },
        },
        "models/world",
      );
      await Deno.mkdir(`${dir}/eval`);
      const lines = (await Deno.readTextFile("models/world/eval/arithmetic.jsonl")).split("\n");
      await Deno.writeTextFile(`${dir}/eval/arithmetic.jsonl`, lines.slice(0, 3).join("\n") + "\n");
      const r = await quietStarSection.run(context(dir, 3));
      assert.equal(r.summary.quiet_star_loss_delta, 0);
      assert.equal(r.summary.quiet_star_mean_w, 0);
      assert.ok(r.summary.quiet_star_scored_tokens! > 30, `${r.summary.quiet_star_scored_tokens}`);
      // A random model's solution loss is near ln(1024) ~ 6.9.
      assert.ok(r.summary.quiet_star_nll_w0! > 4, `${r.summary.quiet_star_nll_w0}`);
      const [nll0, nllT, acc0, accT] = r.rows;
      assert.equal(nll0!.n, 3);
      assert.equal(nll0!.value, nllT!.value);
      assert.equal(acc0!.n, 3);
      assert.equal(acc0!.value, accT!.value);
      assert.equal(r.gains.quiet_star_accuracy_gain!.points, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
