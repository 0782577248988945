import assert from "node:assert/strict";
import onnxProto from "onnx-proto";
import { saveCheckpoint } from "../../../../../tools/forge/train/checkpoint.ts";
import { TrainConfig } from "../../../../../tools/forge/train/config.ts";
import { presetConfig } from "../../../../../tools/forge/train/presets.ts";
import { initLlamaWeights } from "../../../../../tools/forge/weights.ts";
import { main } from "../../../../../tools/forge/train/quiet_star/main.ts";
import { parseThinkArgs } from "../../../../../tools/forge/train/quiet_star/cli_args.ts";
import { loadQsCheckpoint } from "../../../../../tools/forge/train/quiet_star/qs_settings.ts";
import { jaxTest } from "../train_fixtures.ts";

Deno.test("train:think flags: defaults, numbers, kinds, and an error naming a bad flag", () => {
  const a = parseThinkArgs(["--base", "b", "--out", "o", "--k", "3", "--kinds", "arithmetic,qa"]);
  assert.equal(a.minutes, 10);
  assert.equal(a.k, 3);
  assert.equal(a.world, "models/world");
  assert.deepEqual(a.kinds, ["arithmetic", "qa"]);
  assert.throws(
    () => parseThinkArgs(["--base", "b", "--out", "o", "--k", "1"]),
    /Cannot train thinking as '--k' is invalid .*: current value is "1"/,
  );
  assert.throws(() => parseThinkArgs(["--out", "o"]), /'--base' is invalid/);
});

Deno.test({
  ...jaxTest,
  name:
    "train:think trains from a base checkpoint, exports a folder with the mixing head, and resumes",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const model = presetConfig("micro", 1024);
      const config = TrainConfig.parse({
        model,
        optimizer: { lr: 1e-3, minLr: 1e-4, warmupSteps: 1 },
        batch: 2,
        seq: 32,
        steps: 1,
        seed: 1,
      });
      await saveCheckpoint(`${dir}/base/checkpoint`, {
        state: { version: 1, step: 1, config, losses: [1] },
        weights: initLlamaWeights(model, 2),
        m: new Map(),
        v: new Map(),
      });
      const flags = [
        ...["--base", `${dir}/base`, "--out", `${dir}/thinking`, "--kinds", "qa_raw"],
        ...["--batch", "2", "--positions", "1", "--t", "2", "--seq", "40", "--minutes", "5"],
      ];
      await main([...flags, "--steps", "2"]);
      const json = JSON.parse(await Deno.readTextFile(`${dir}/thinking/config.json`));
      assert.deepEqual(json.quiet_star, { mixing_head: true, k: 2, t: 2, steps: 2 });
      const graph = onnxProto.onnx.ModelProto.decode(
        await Deno.readFile(`${dir}/thinking/onnx/model.onnx`),
      ).graph!;
      assert.ok(graph.output!.some((o) => o.name === "mixing_weight"));
      assert.equal((await loadQsCheckpoint(`${dir}/thinking.run`)).state.step, 2);
      await main([...flags, "--steps", "3"]);
      const resumed = await loadQsCheckpoint(`${dir}/thinking.run`);
      assert.equal(resumed.state.step, 3);
      assert.equal(resumed.state.history.length, 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
