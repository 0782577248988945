/**
 * `deno task forge:reasoning --quick`: after a quick world build, the learned verifier, the
 * Quiet-STaR thinking model, the Self-RAG reader and the CoVe model train from the world target
 * (the side models on data rendered into the runs folder), export
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
  coveSpec,
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
  const data = `${Deno.cwd()}/runs/forge-world/data`;
  assert.deepEqual(reader.data, ["train.jsonl", `${data}/reader/fresh.jsonl`]);
  assert.equal(reader.preset, "target");
  assert.equal(reader.seconds, 2400);
  const cove = coveSpec(options, 2400);
  assert.equal(cove.init, "runs/forge-world/target");
  assert.deepEqual(cove.data, [`${data}/cove/replay.jsonl`, `${data}/cove/train.jsonl`]);
  assert.deepEqual([cove.batch, cove.seq, cove.seconds], [4, 256, 2400]);
});

Deno.test({
  name:
    "forge:reasoning --quick adds a loadable verifier, a thinking model with a mixing head, a reader and a CoVe model to the manifest",
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
      await buildReasoning(options, 1, 1, (l) => lines.push(l), { cove: true });
      const manifest = await readWorldManifest(`${dir}/out`);
      assert.deepEqual(manifest.entries.map((e) => e.name), [
        "target",
        "draft",
        "target_lora",
        "adapter-terse",
        "adapter-formal",
        "verifier",
        "reader",
        "cove",
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
      const cove = manifest.entries.find((e) => e.name === "cove")!;
      assert.equal(cove.parameters, target.parameters);
      assert.equal(cove.steps, 3);
      assert.ok(thinking.parameters > target.parameters, "the mixing head adds parameters");
      assert.ok(
        verifier.steps === 3 && thinking.steps === 2,
        `${verifier.steps} ${thinking.steps}`,
      );
      // The world files stay listed beside the verifier's model files in the same folder.
      assert.ok(manifest.world_files.some((f) => f.path === "verifier/train.jsonl"));
      // The side models' data sits in the runs folder, not among the committed world files.
      assert.ok(!manifest.world_files.some((f) => f.path.startsWith("reader/")));
      for (const path of ["reader/fresh.jsonl", "cove/train.jsonl", "cove/replay.jsonl"]) {
        assert.ok((await Deno.stat(`${dir}/runs/data/${path}`)).size > 0, path);
      }
      const config = JSON.parse(await Deno.readTextFile(`${dir}/out/thinking/config.json`));
      assert.equal(config.quiet_star.mixing_head, true);

      configureOrt({ numThreads: 1 });
      for (const name of ["verifier", "reader", "cove", "thinking"]) {
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
      await buildReasoning(options, 1, 1, (l) => again.push(l), { cove: true });
      for (const name of ["verifier", "thinking", "reader", "cove"]) {
        assert.ok(again.includes(`${name}: done before`), name);
      }
      assert.equal(await Deno.readTextFile(`${dir}/out/manifest.json`), before);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
