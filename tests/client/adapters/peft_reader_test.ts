/**
 * The PEFT reader: scaling (lora_alpha / r, rsLoRA lora_alpha / sqrt(r), rank_pattern,
 * alpha_pattern) agrees with the forge's independent resolution for the committed adapters,
 * and malformed or unsupported adapters are rejected with a message naming the problem.
 */
import assert from "node:assert/strict";
import { readPeftAdapter } from "../../../client/adapters/peft/peft_reader.ts";
import { UrlAdapterSource } from "../../../client/adapters/map_source.ts";
import type { PeftAdapterFiles } from "../../../client/adapters/source.ts";
import { type LoraSpec, loraSpecFromConfig } from "../../../client/engine/lora/lora_spec.ts";
import type { DecoderConfig } from "../../../client/engine/model_config.ts";
import { forgeLoraAdapter, peftKey } from "../../../tools/forge/lora_adapter.ts";
import { writeSafetensors } from "../../../tools/forge/safetensors.ts";
import { readSafetensors } from "../../../tools/forge/safetensors.ts";
import { adapter, fixture, peftFiles } from "./lora_helpers.ts";

const spec: LoraSpec = loraSpecFromConfig(fixture.config as unknown as DecoderConfig)!;
const committed = new UrlAdapterSource(
  new URL("../../../models/fixtures/adapters/", import.meta.url),
);

function withConfig(files: PeftAdapterFiles, patch: Record<string, unknown>): PeftAdapterFiles {
  return {
    config: { ...(files.config as Record<string, unknown>), ...patch },
    weights: files.weights,
  };
}

function withTensors(
  files: PeftAdapterFiles,
  edit: (t: Map<string, { shape: readonly number[]; data: Float32Array }>) => void,
): PeftAdapterFiles {
  const tensors = readSafetensors(files.weights);
  edit(tensors);
  return { config: files.config, weights: writeSafetensors(tensors) };
}

const rejects = (files: PeftAdapterFiles, message: RegExp, base: LoraSpec = spec) =>
  assert.throws(() => readPeftAdapter(files, base), (e: Error) => {
    assert.equal(e.name, "AdapterError");
    assert.match(e.message, message);
    return true;
  });

Deno.test("committed adapters read with the ranks and scalings the forge resolved", async () => {
  for (const forged of fixture.adapters) {
    const read = readPeftAdapter(await committed.load(forged.name), spec);
    assert.equal(read.modules.length, forged.modules.length, forged.name);
    for (const m of read.modules) {
      const group = ["gate_proj", "up_proj", "down_proj"].includes(m.module) ? "mlp" : "self_attn";
      const name = `model.layers.${m.layer}.${group}.${m.module}`;
      const want = forged.modules.find((x) => x.module === name)!;
      assert.equal(m.rank, want.rank, name);
      assert.ok(Math.abs(m.scaling - want.scaling) < 1e-12, `${forged.name} ${name}`);
      assert.deepEqual(m.a, forged.tensors.get(peftKey(name, "A"))!.data);
    }
  }
});

Deno.test("scaling is lora_alpha / r, lora_alpha / sqrt(r) with rsLoRA, and patterns override per module", () => {
  const scaling = (name: string, layer: number, module: string) =>
    readPeftAdapter(peftFiles(adapter(name)), spec).modules
      .find((m) => m.layer === layer && m.module === module)!;
  assert.equal(scaling("alpha", 0, "q_proj").scaling, 8 / 4);
  assert.ok(Math.abs(scaling("beta", 2, "v_proj").scaling - 16 / Math.sqrt(8)) < 1e-12);
  assert.equal(scaling("gamma", 0, "q_proj").scaling, 4 / 4);
  // rank_pattern { v_proj: 2, "layers.1.mlp.up_proj": 8 }, alpha_pattern { down_proj: 12 }
  assert.deepEqual([scaling("gamma", 3, "v_proj").rank, scaling("gamma", 3, "v_proj").scaling], [
    2,
    2,
  ]);
  assert.deepEqual([scaling("gamma", 1, "up_proj").rank, scaling("gamma", 1, "up_proj").scaling], [
    8,
    0.5,
  ]);
  assert.deepEqual([scaling("gamma", 0, "up_proj").rank, scaling("gamma", 0, "up_proj").scaling], [
    4,
    1,
  ]);
  assert.equal(scaling("gamma", 2, "down_proj").scaling, 12 / 4);
});

Deno.test("DoRA adapters are rejected by config flag and by magnitude tensor", () => {
  const alpha = peftFiles(adapter("alpha"));
  rejects(withConfig(alpha, { use_dora: true }), /DoRA adapters are not supported/);
  rejects(
    withTensors(
      alpha,
      (t) =>
        t.set("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector", {
          shape: [64],
          data: new Float32Array(64),
        }),
    ),
    /DoRA adapters are not supported/,
  );
});

Deno.test("embedding adapters are rejected by target module and by tensor name", () => {
  const alpha = peftFiles(adapter("alpha"));
  rejects(
    withConfig(alpha, { target_modules: ["q_proj", "embed_tokens"] }),
    /embedding adapters are not supported: 'target_modules' names 'embed_tokens'/,
  );
  rejects(
    withTensors(alpha, (t) =>
      t.set("base_model.model.model.embed_tokens.lora_embedding_A", {
        shape: [4, 512],
        data: new Float32Array(2048),
      })),
    /embedding adapters are not supported: tensor/,
  );
});

Deno.test("a rank over the base model's r_max is rejected", () => {
  const big = forgeLoraAdapter(fixture.config, {
    name: "big",
    seed: 1,
    r: 16,
    lora_alpha: 16,
    target_modules: ["q_proj"],
  });
  rejects(peftFiles(big), /rank 16 over the base model's r_max 8/);
  rejects(
    withConfig(peftFiles(adapter("alpha")), { rank_pattern: { "o_proj": 12 } }),
    /'model.layers.0.self_attn.o_proj' has rank 12 over the base model's r_max 8/,
  );
});

Deno.test("unknown modules and modules without slots in the base model are rejected", () => {
  const alpha = peftFiles(adapter("alpha"));
  rejects(withConfig(alpha, { target_modules: ["q_proj", "fc1"] }), /unknown module 'fc1'/);
  const qvOnly: LoraSpec = { ...spec, targets: ["q_proj", "v_proj"] };
  rejects(
    alpha,
    /the base model has no LoRA slots for module '(k|o|gate|up|down)_proj' \(tensor '.*'\): its targets are q_proj, v_proj/,
    qvOnly,
  );
  rejects(
    withTensors(
      alpha,
      (t) =>
        t.set("base_model.model.lm_head.lora_A.weight", {
          shape: [4, 64],
          data: new Float32Array(256),
        }),
    ),
    /tensor 'base_model.model.lm_head.lora_A.weight' must be named/,
  );
  rejects(
    withTensors(alpha, (t) => {
      const a = t.get(peftKey("model.layers.0.self_attn.q_proj", "A"))!;
      t.set("base_model.model.model.layers.9.self_attn.q_proj.lora_A.weight", a);
    }),
    /names layer 9 but the base model has 4 layers/,
  );
});

Deno.test("wrong shapes and half pairs are rejected, naming the tensor and both shapes", () => {
  const alpha = peftFiles(adapter("alpha"));
  rejects(
    withConfig(alpha, { r: 2 }),
    /lora_A of 'model.layers.\d.\w+.\w+' must have shape \[2, \d+\] \(rank, in\): current value is \[4,\d+\]/,
  );
  rejects(
    withTensors(alpha, (t) => {
      const key = peftKey("model.layers.1.mlp.down_proj", "B");
      t.set(key, { shape: [64, 4, 1], data: t.get(key)!.data });
    }),
    /lora_B of 'model.layers.1.mlp.down_proj' must have shape \[64, 4\] \(out, rank\): current value is \[64,4,1\]/,
  );
  rejects(
    withTensors(alpha, (t) => t.delete(peftKey("model.layers.2.self_attn.k_proj", "B"))),
    /module 'model.layers.2.self_attn.k_proj' must have both lora_A and lora_B/,
  );
});

Deno.test("bad safetensors and bad configs are rejected with what is wrong", () => {
  const alpha = peftFiles(adapter("alpha"));
  rejects({ config: alpha.config, weights: alpha.weights.subarray(0, 5) }, /at least 8 bytes/);
  rejects(
    { config: alpha.config, weights: alpha.weights.subarray(0, alpha.weights.length - 100) },
    /adapter_model.safetensors is malformed: tensor '.*' must span \d+ bytes inside the \d+-byte data section/,
  );
  const junk = new Uint8Array(16);
  new DataView(junk.buffer).setBigUint64(0, 8n, true);
  junk.set(new TextEncoder().encode("not json"), 8);
  rejects({ config: alpha.config, weights: junk }, /the header must be UTF-8 JSON/);
  rejects({ config: alpha.config, weights: writeSafetensors(new Map()) }, /holds no LoRA tensors/);
  rejects(
    withConfig(alpha, { peft_type: "IA3" }),
    /'peft_type' must be "LORA": current value is "IA3"/,
  );
  rejects(withConfig(alpha, { r: undefined }), /adapter_config.json 'r'/);
  rejects(withConfig(alpha, { bias: "all" }), /'bias' must be "none"/);
  rejects(withConfig(alpha, { modules_to_save: ["lm_head"] }), /'modules_to_save' must be empty/);
});

Deno.test("keys with PEFT's '.default' adapter name are read too", () => {
  const alpha = peftFiles(adapter("alpha"));
  const renamed = withTensors(alpha, (t) => {
    for (const [k, v] of [...t]) {
      t.delete(k);
      t.set(k.replace(/\.weight$/, ".default.weight"), v);
    }
  });
  assert.equal(readPeftAdapter(renamed, spec).modules.length, 28);
});
