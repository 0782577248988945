/**
 * A pipeline job split into two processes' worth of steps (stopped with `until`, then rerun)
 * ends with the same weights and losses as one uninterrupted job, and only the finished job
 * leaves a done marker.
 *
 * @module
 */
import assert from "node:assert/strict";
import { writeFileSet } from "../../../../tools/forge/model_folder.ts";
import { JobSpec, type JobSpecInput, runJob } from "../../../../tools/forge/train/build_job.ts";
import { loadCheckpoint } from "../../../../tools/forge/train/checkpoint.ts";
import { worldFolderFiles } from "../../../../tools/forge/world/main.ts";
import { jaxTest, SMALL_WORLD } from "./train_fixtures.ts";

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test({
  ...jaxTest,
  name: "a job stopped after step 3 and rerun ends bit-identical to an uninterrupted 6-step job",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await writeFileSet(
        `${dir}/world`,
        worldFolderFiles(7, 384, { sizes: SMALL_WORLD, arithmeticTrain: 30, evalPerKind: 10 }),
      );
      const spec = (run: string, extra: Partial<JobSpecInput> = {}) =>
        JobSpec.parse({
          name: "target",
          preset: "tiny",
          world: `${dir}/world`,
          data: "train.jsonl",
          run: `${dir}/${run}`,
          batch: 4,
          seq: 32,
          lr: 3e-3,
          warmup: 1,
          seed: 1,
          steps: 6,
          ...extra,
        });
      const straight = await runJob(spec("straight"));
      assert.equal(straight.steps, 6);
      const partial = await runJob(spec("split", { until: 3 }));
      assert.equal(partial.steps, 3);
      assert.equal(await exists(`${dir}/split/done.json`), false);
      const resumed = await runJob(spec("split"));
      assert.equal(resumed.steps, 6);
      assert.equal(await exists(`${dir}/split/done.json`), true);
      const a = await loadCheckpoint(`${dir}/straight/checkpoint`);
      const b = await loadCheckpoint(`${dir}/split/checkpoint`);
      assert.deepEqual(b.state.losses, a.state.losses);
      for (const [name, t] of a.weights) {
        const u = b.weights.get(name)!;
        assert.ok(t.data.every((v, i) => v === u.data[i]), `${name} differs`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
