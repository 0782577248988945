/**
 * The model-building pipeline in quick mode, end to end into a temporary folder: world,
 * tokenizer, target and draft in two processes, two PEFT style adapters, ONNX folders that
 * onnxruntime-web loads and runs, a target_lora whose adapter rows equal the merged models
 * (logits within 1e-4, through the engine's slot pool and API), and a manifest whose hashes
 * match the files; a rerun continues from the done markers without retraining, and
 * `--export-only` redoes only the exports.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../../client/engine/ort.ts";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { readSafetensors } from "../../../../tools/forge/safetensors.ts";
import { verifyWorldManifest } from "../../../../tools/forge/train/build_export.ts";
import {
  buildModels,
  parseBuildArgs,
  parseBuildCommand,
} from "../../../../tools/forge/train/build_models.ts";
import { runLlamaStep } from "../ort_llama.ts";
import { assertTargetLoraEngine, assertTargetLoraLogits } from "./world_lora_parity.ts";

Deno.test({
  name:
    "forge:world --quick builds loadable ONNX models, PEFT adapters, a target_lora that serves them exactly, and a matching manifest",
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
        "target_lora",
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

      // target_lora: the target's weights with slots for both adapters (rank 8, all modules).
      const targetLora = manifest.entries[2]!;
      assert.equal(targetLora.base, "target");
      assert.equal(targetLora.parameters, target.parameters);
      const loraConfig = JSON.parse(
        await Deno.readTextFile(`${dir}/out/target_lora/config.json`),
      );
      assert.deepEqual(loraConfig.lora, {
        slots: 3,
        r_max: 8,
        targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
      });
      await assertTargetLoraLogits(`${dir}/out`, `${dir}/runs`, ["terse", "formal"]);
      await assertTargetLoraEngine(`${dir}/out`, `${dir}/runs`, "terse");

      // A rerun finds every phase done and writes the same manifest.
      const again: string[] = [];
      const second = await buildModels(options, (l) => again.push(l));
      assert.ok(again.filter((l) => l.endsWith("started")).length === 0, again.join("\n"));
      assert.deepEqual(second.entries, manifest.entries);

      // --export-only redoes the exports from the done markers without planning any job, and
      // refuses when a run it exports has not finished.
      const exportLog: string[] = [];
      const third = await buildModels(options, (l) => exportLog.push(l), { exportOnly: true });
      assert.deepEqual(exportLog, [`manifest: ${dir}/out/manifest.json`]);
      assert.deepEqual(third.entries, manifest.entries);
      await Deno.remove(`${dir}/runs/adapter-formal/done.json`);
      await assert.rejects(
        () => buildModels(options, () => {}, { exportOnly: true }),
        /Cannot export the models as job 'adapter-formal' has not finished/,
      );
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
  assert.deepEqual(parseBuildCommand(["--export-only", "--minutes", "85"]).mode, {
    exportOnly: true,
  });
  assert.equal(parseBuildCommand(["--export-only", "--minutes", "85"]).options.minutes, 85);
  assert.deepEqual(parseBuildCommand([]).mode, { exportOnly: false });
});
