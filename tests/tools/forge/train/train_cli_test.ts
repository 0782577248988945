/**
 * `deno task train` end to end on a small world folder: a run split with --until and
 * --resume logs the same losses as a straight run, and --export writes a model folder.
 *
 * @module
 */
import assert from "node:assert/strict";
import { writeFileSet } from "../../../../tools/forge/model_folder.ts";
import { parseTrainArgs } from "../../../../tools/forge/train/cli_args.ts";
import { runTraining } from "../../../../tools/forge/train/main.ts";
import { worldFolderFiles } from "../../../../tools/forge/world/main.ts";
import { jaxTest, SMALL_WORLD } from "./train_fixtures.ts";

const quiet = () => {};

async function losses(dir: string): Promise<number[]> {
  return JSON.parse(await Deno.readTextFile(`${dir}/losses.json`)).losses;
}

Deno.test({
  ...jaxTest,
  name:
    "train CLI: --until then --resume logs the losses of a straight run and --export writes the folder",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const world = `${dir}/world`;
      await writeFileSet(
        world,
        worldFolderFiles(7, 512, { sizes: SMALL_WORLD, arithmeticTrain: 60, evalPerKind: 20 }),
      );
      const common = ["--world", world, "--preset", "tiny", "--steps", "4", "--batch", "4"];
      const flags = [...common, "--seq", "32", "--warmup", "1", "--checkpoint-every", "0"];
      const straight = await runTraining(
        parseTrainArgs([...flags, "--out", `${dir}/a`, "--export", `${dir}/model`]),
        quiet,
        quiet,
      );
      assert.equal(straight.steps_done, 4);
      const first = await runTraining(
        parseTrainArgs([...flags, "--out", `${dir}/b`, "--until", "2"]),
        quiet,
        quiet,
      );
      assert.equal(first.steps_done, 2);
      const resumed = await runTraining(
        parseTrainArgs([...flags, "--out", `${dir}/b`, "--resume"]),
        quiet,
        quiet,
      );
      assert.equal(resumed.steps_done, 4);
      assert.deepEqual(await losses(`${dir}/b`), await losses(`${dir}/a`));
      for (
        const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]
      ) {
        assert.ok((await Deno.stat(`${dir}/model/${f}`)).size > 0, f);
      }
      const config = JSON.parse(await Deno.readTextFile(`${dir}/model/config.json`));
      assert.equal(config.vocab_size, 512);
      assert.equal(config.hidden_size, 32);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
