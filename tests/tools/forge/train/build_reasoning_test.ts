/**
 * `deno task forge:reasoning --quick`: after a quick world build, the learned verifier, the
 * Quiet-STaR thinking model and the Self-RAG reader train from the world target, export
 * through the forge, and join the manifest (hashes checked); a rerun retrains nothing and
 * rewrites the same bytes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../../client/engine/ort.ts";
import { verifyWorldManifest } from "../../../../tools/forge/train/build_export.ts";
import { buildModels, parseBuildArgs } from "../../../../tools/forge/train/build_models.ts";
import {
  buildReasoning,
  readerSpec,
  thinkArgs,
  verifierSpec,
} from "../../../../tools/forge/train/build_reasoning.ts";
import { readWorldManifest } from "../../../../tools/forge/train/world_manifest.ts";

Deno.test("the reasoning jobs start from the world target: verifier data, arithmetic thoughts", () => {
  const options = parseBuildArgs(["--minutes", "85", "--draft", "distill"]);
  const spec = verifierSpec(options, 1500);
  assert.equal(spec.init, "runs/forge-world/target");
  assert.equal(spec.data, "verifier/train.jsonl");
  assert.equal(spec.preset, "target");
  assert.equal(spec.seconds, 1500);
  const args = thinkArgs(options, 25);
  assert.equal(args[args.indexOf("--base") + 1], "runs/forge-world/target");
  assert.equal(args[args.indexOf("--out") + 1], "models/world/thinking");
  assert.equal(args[args.indexOf("--kinds") + 1], "arithmetic");
  assert.equal(args[args.indexOf("--minutes") + 1], "25");
  const reader = readerSpec(options, 2400);
  assert.equal(reader.init, "runs/forge-world/target");
  assert.deepEqual(reader.data, ["train.jsonl", "reader/fresh.jsonl"]);
  assert.equal(reader.preset, "target");
  assert.equal(reader.seconds, 2400);
});

Deno.test({
  name:
    "forge:reasoning --quick adds a loadable verifier, a thinking model with a mixing head and a reader to the manifest",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "verity_reasoning_" });
    try {
      const options = parseBuildArgs(["--quick", "--out", `${dir}/out`, "--runs", `${dir}/runs`]);
      await assert.rejects(
        buildReasoning(options, 1, 1, () => {}),
        /world target has not finished/,
      );
      await buildModels(options, () => {});
      const lines: string[] = [];
      await buildReasoning(options, 1, 1, (l) => lines.push(l));
      const manifest = await readWorldManifest(`${dir}/out`);
      assert.deepEqual(manifest.entries.map((e) => e.name), [
        "target",
        "draft",
        "target_lora",
        "adapter-terse",
        "adapter-formal",
        "verifier",
        "reader",
        "thinking",
      ]);
      assert.deepEqual(await verifyWorldManifest(`${dir}/out`), []);
      const target = manifest.entries[0]!;
      const verifier = manifest.entries.find((e) => e.name === "verifier")!;
      const thinking = manifest.entries.find((e) => e.name === "thinking")!;
      const reader = manifest.entries.find((e) => e.name === "reader")!;
      assert.equal(verifier.parameters, target.parameters);
      assert.equal(reader.parameters, target.parameters);
      assert.equal(reader.steps, 3);
      assert.ok(thinking.parameters > target.parameters, "the mixing head adds parameters");
      assert.ok(
        verifier.steps === 3 && thinking.steps === 2,
        `${verifier.steps} ${thinking.steps}`,
      );
      // The world files stay listed beside the verifier's model files in the same folder.
      assert.ok(manifest.world_files.some((f) => f.path === "verifier/train.jsonl"));
      assert.ok(manifest.world_files.some((f) => f.path === "reader/fresh.jsonl"));
      const config = JSON.parse(await Deno.readTextFile(`${dir}/out/thinking/config.json`));
      assert.equal(config.quiet_star.mixing_head, true);

      configureOrt({ numThreads: 1 });
      for (const name of ["verifier", "reader", "thinking"]) {
        const session = await createSession(
          await Deno.readFile(`${dir}/out/${name}/onnx/model.onnx`),
          "wasm",
          { logSeverityLevel: 3 },
        );
        assert.ok(session.outputNames.includes("logits"), name);
        if (name === "thinking") assert.ok(session.outputNames.includes("mixing_weight"));
        await session.release();
      }

      const before = await Deno.readTextFile(`${dir}/out/manifest.json`);
      const again: string[] = [];
      await buildReasoning(options, 1, 1, (l) => again.push(l));
      for (const name of ["verifier", "thinking", "reader"]) {
        assert.ok(again.includes(`${name}: done before`), name);
      }
      assert.equal(await Deno.readTextFile(`${dir}/out/manifest.json`), before);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
