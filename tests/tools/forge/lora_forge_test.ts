/**
 * The forge's LoRA output: the graph's slot inputs, seeded PEFT adapter files with Hugging Face
 * key names and shapes, the merge W + scaling * B A, and committed fixtures that equal a fresh
 * forge.
 */
import assert from "node:assert/strict";
import { forgeLoraFixtureFiles, loraFixture } from "../../../tools/forge/lora_fixtures.ts";
import { loraAdapterFiles, mergeLoraWeights, peftKey } from "../../../tools/forge/lora_adapter.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import { readSafetensors } from "../../../tools/forge/safetensors.ts";
import { runForge } from "../../../tools/forge/main.ts";
import { sha256Hex } from "../../../tools/forge/manifest.ts";
import { configureOrt, createSession } from "../../../client/engine/ort.ts";

const fixture = loraFixture();

Deno.test({
  name: "a LoRA config adds adapter_index and stacked A/B inputs for every layer and target",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const session = await createSession(buildLlamaOnnx(fixture.config, fixture.weights), "wasm");
    try {
      const lora = session.inputNames.filter((n) => n.startsWith("lora_"));
      assert.ok(session.inputNames.includes("adapter_index"));
      assert.equal(lora.length, 2 * 4 * 7);
      assert.ok(lora.includes("lora_A.3.down_proj") && lora.includes("lora_B.0.q_proj"));
    } finally {
      await session.release();
    }
  },
});

Deno.test("forged adapters use PEFT key names, A [r, in], B [out, r] and a PEFT config", () => {
  const gamma = fixture.adapters.find((a) => a.name === "gamma")!;
  const files = loraAdapterFiles(gamma);
  const config = JSON.parse(new TextDecoder().decode(files.get("gamma/adapter_config.json")!));
  assert.equal(config.peft_type, "LORA");
  assert.deepEqual(config.rank_pattern, { "v_proj": 2, "layers.1.mlp.up_proj": 8 });
  const tensors = readSafetensors(files.get("gamma/adapter_model.safetensors")!);
  assert.deepEqual(
    tensors.get("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight")!.shape,
    [2, 64],
  );
  assert.deepEqual(
    tensors.get("base_model.model.model.layers.1.mlp.up_proj.lora_B.weight")!.shape,
    [172, 8],
  );
  assert.deepEqual(
    tensors.get("base_model.model.model.layers.2.mlp.down_proj.lora_A.weight")!.shape,
    [4, 172],
  );
  assert.equal(tensors.size, 2 * 4 * 4);
});

Deno.test("mergeLoraWeights adds scaling * B A to exactly the adapted modules", () => {
  const delta = fixture.adapters.find((a) => a.name === "delta")!; // gate_proj, up_proj, r 2
  const merged = mergeLoraWeights(fixture.weights, delta);
  const name = "model.layers.2.mlp.up_proj";
  const w = fixture.weights.get(`${name}.weight`)!;
  const a = delta.tensors.get(peftKey(name, "A"))!.data; // [2, 64]
  const b = delta.tensors.get(peftKey(name, "B"))!.data; // [172, 2]
  for (const [o, i] of [[0, 0], [171, 63], [50, 7]] as const) {
    const want = w.data[o * 64 + i]! + 1 * (b[o * 2]! * a[i]! + b[o * 2 + 1]! * a[64 + i]!);
    assert.ok(Math.abs(merged.get(`${name}.weight`)!.data[o * 64 + i]! - want) < 1e-6);
  }
  assert.equal(
    merged.get("model.layers.2.self_attn.q_proj.weight"),
    fixture.weights.get("model.layers.2.self_attn.q_proj.weight"),
  );
});

Deno.test("committed LoRA fixtures equal a fresh forge (rerun `deno task forge` if this fails)", async () => {
  const fresh = await forgeLoraFixtureFiles();
  const again = await forgeLoraFixtureFiles();
  const root = new URL("../../../models/fixtures/", import.meta.url);
  for (const [path, bytes] of fresh) {
    assert.equal(await sha256Hex(again.get(path)!), await sha256Hex(bytes), path);
    assert.equal(
      await sha256Hex(await Deno.readFile(new URL(path, root))),
      await sha256Hex(bytes),
      path,
    );
  }
  assert.ok(
    fresh.has("target_lora/onnx/model.onnx") && fresh.has("adapters/epsilon/adapter_config.json"),
  );
});

Deno.test("runForge writes the LoRA fixtures only when asked, beside an unchanged base set", async () => {
  const dir = await Deno.makeTempDir({ prefix: "verity_lora_forge_" });
  try {
    const summary = await runForge(["--out", dir], () => {}, { lora: true });
    assert.equal(summary?.lora_files, 16);
    assert.deepEqual(summary?.models.map((m) => m.name), ["target", "draft"]);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/lora_manifest.json`));
    assert.equal(manifest.models[0].config.lora.r_max, 8);
    assert.equal(manifest.adapters.length, 5);
    assert.equal(
      await Deno.readTextFile(`${dir}/manifest.json`),
      await Deno.readTextFile(new URL("../../../models/fixtures/manifest.json", import.meta.url)),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
