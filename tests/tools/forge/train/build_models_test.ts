/**
 * The model-building pipeline in quick mode, end to end into a temporary folder: world,
 * tokenizer, target and draft in two processes, two PEFT style adapters, ONNX folders that
 * onnxruntime-web loads and runs, and a manifest whose hashes match the files; a rerun
 * continues from the done markers without retraining.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../../client/engine/ort.ts";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { readSafetensors } from "../../../../tools/forge/safetensors.ts";
import { verifyWorldManifest } from "../../../../tools/forge/train/build_export.ts";
import { buildModels, parseBuildArgs } from "../../../../tools/forge/train/build_models.ts";
import { runLlamaStep } from "../ort_llama.ts";

Deno.test({
  name: "forge:world --quick builds loadable ONNX models, PEFT adapters and a matching manifest",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const options = parseBuildArgs(["--quick", "--out", `${dir}/out`, "--runs", `${dir}/runs`]);
      const lines: string[] = [];
      const manifest = await buildModels(options, (l) => lines.push(l));
      assert.deepEqual(manifest.entries.map((e) => e.name), [
        "target",
        "draft",
        "adapter-terse",
        "adapter-formal",
      ]);
      assert.deepEqual(await verifyWorldManifest(`${dir}/out`), []);
      const target = manifest.entries[0]!;
      const draft = manifest.entries[1]!;
      assert.ok(
        target.parameters > 3 * draft.parameters,
        `${target.parameters} vs ${draft.parameters}`,
      );
      assert.ok(manifest.entries.every((e) => e.steps > 0 && Number.isFinite(e.final_loss)));
      assert.ok(manifest.world_files.some((f) => f.path === "styles/terse/train.jsonl"));

      configureOrt({ numThreads: 1 });
      for (const name of ["target", "draft"]) {
        const config = parseLlamaConfig(
          JSON.parse(await Deno.readTextFile(`${dir}/out/${name}/config.json`)),
        );
        const session = await createSession(
          await Deno.readFile(`${dir}/out/${name}/onnx/model.onnx`),
          "wasm",
          { logSeverityLevel: 3 },
        );
        const ids = [[1, 5, 9, 13]];
        const out = await runLlamaStep(session, config, {
          inputIds: ids,
          attentionMask: [[1, 1, 1, 1]],
          positionIds: [[0, 1, 2, 3]],
        });
        await session.release();
        assert.equal(out.logits.length, 4 * config.vocab_size);
        assert.ok(out.logits.every(Number.isFinite), `${name} logits`);
      }
      const peft = JSON.parse(
        await Deno.readTextFile(`${dir}/out/adapters/formal/adapter_config.json`),
      );
      assert.equal(peft.peft_type, "LORA");
      assert.equal(peft.r, 8);
      const tensors = readSafetensors(
        await Deno.readFile(`${dir}/out/adapters/formal/adapter_model.safetensors`),
      );
      const b = tensors.get("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")!;
      assert.deepEqual(b.shape, [32, 8]);
      assert.ok(b.data.some((v) => v !== 0), "the adapter trained B away from zero");

      // A rerun finds every phase done and writes the same manifest.
      const again: string[] = [];
      const second = await buildModels(options, (l) => again.push(l));
      assert.ok(again.filter((l) => l.endsWith("started")).length === 0, again.join("\n"));
      assert.deepEqual(second.entries, manifest.entries);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "forge:world --quick --draft distill distills the draft toward the finished target",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const options = parseBuildArgs([
        "--quick",
        "--draft",
        "distill",
        "--out",
        `${dir}/out`,
        "--runs",
        `${dir}/runs`,
      ]);
      const manifest = await buildModels(options, () => {});
      const draft = manifest.entries.find((e) => e.name === "draft")!;
      const distill = draft.training.distill as { kl: number; teacher: { hidden_size: number } };
      assert.equal(distill.kl, 0.5);
      assert.equal(distill.teacher.hidden_size, 32); // the quick target (tiny preset)
      assert.deepEqual(await verifyWorldManifest(`${dir}/out`), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("forge:world flags are validated with the house error", () => {
  assert.throws(
    () => parseBuildArgs(["--minutes", "0"]),
    /Cannot build the models as '--minutes' is invalid: current value is "0"/,
  );
  assert.equal(parseBuildArgs([]).minutes, 90);
});
