/**
 * Safetensors reader/writer and HF weight loading: round trips, f16/bf16 widening, clear
 * errors, and forging from a safetensors file giving the same graph and logits as the
 * seeded path.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bfloat16ToFloat,
  type F32Tensor,
  halfToFloat,
  readSafetensors,
  writeSafetensors,
} from "../../../tools/forge/safetensors.ts";
import {
  initLlamaWeights,
  llamaWeightsFromSafetensors,
  llamaWeightsToSafetensors,
} from "../../../tools/forge/weights.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import { configureOrt, createSession } from "../../../client/engine/ort.ts";
import { runLlamaStep } from "./ort_llama.ts";
import { sha256Hex } from "../../../tools/forge/manifest.ts";
import { fixtureModels, seededTokens } from "./fixture_models.ts";

/** A safetensors file with one raw-encoded tensor (for dtypes the writer does not emit). */
function rawSafetensors(
  name: string,
  dtype: string,
  shape: number[],
  payload: Uint8Array,
): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ [name]: { dtype, shape, data_offsets: [0, payload.length] } }),
  );
  const out = new Uint8Array(8 + header.length + payload.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(payload, 8 + header.length);
  return out;
}

Deno.test("writeSafetensors then readSafetensors returns the same f32 tensors", () => {
  const tensorArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.float32Array({
        minLength: shape.reduce((a, b) => a * b, 1),
        maxLength: shape.reduce((a, b) => a * b, 1),
        noNaN: true,
      }),
    )
  );
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1 }).filter((s) => s !== "__metadata__"), tensorArb),
      (dict) => {
        const tensors = new Map<string, F32Tensor>(
          Object.entries(dict).map(([name, [shape, data]]) => [name, { shape, data }]),
        );
        const back = readSafetensors(writeSafetensors(tensors));
        assert.deepEqual([...back.keys()].sort(), [...tensors.keys()].sort());
        for (const [name, tensor] of tensors) {
          assert.deepEqual(back.get(name)!.shape, tensor.shape);
          assert.deepEqual(Array.from(back.get(name)!.data), Array.from(tensor.data));
        }
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("writeSafetensors aligns the header to 8 bytes and is deterministic", () => {
  const tensors = new Map([["b", { shape: [2], data: new Float32Array([1, 2]) }], ["a", {
    shape: [1],
    data: new Float32Array([3]),
  }]]);
  const bytes = writeSafetensors(tensors);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  assert.deepEqual(bytes, writeSafetensors(new Map([...tensors].reverse())));
});

Deno.test("readSafetensors widens F16 and BF16 to f32", () => {
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3555, 0x0001]).buffer);
  const half = readSafetensors(rawSafetensors("h", "F16", [4], f16)).get("h")!;
  assert.deepEqual(Array.from(half.data), [
    1,
    -2,
    Math.fround(0.333251953125),
    Math.fround(2 ** -24),
  ]);
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040, 0x4049]).buffer);
  const brain = readSafetensors(rawSafetensors("b", "BF16", [3], bf16)).get("b")!;
  assert.deepEqual(Array.from(brain.data), [1, -3, 3.140625]);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.equal(bfloat16ToFloat(0x4049), 3.140625);
});

Deno.test("readSafetensors rejects unsupported dtypes and truncated data with clear errors", () => {
  assert.throws(
    () => readSafetensors(rawSafetensors("x", "I8", [2], new Uint8Array(2))),
    {
      name: "SafetensorsError",
      message: /'dtype' must be one of "F32", "F16", "BF16": current value is "I8"/,
    },
  );
  const good = rawSafetensors("x", "F32", [2], new Uint8Array(8));
  assert.throws(() => readSafetensors(good.subarray(0, good.length - 4)), {
    name: "SafetensorsError",
    message: /tensor 'x' as 'data_offsets' must span 8 bytes/,
  });
  assert.throws(() => readSafetensors(new Uint8Array(3)), { name: "SafetensorsError" });
});

Deno.test("llamaWeightsFromSafetensors names a missing tensor and a wrong shape", () => {
  const [target] = fixtureModels();
  const { config } = target!;
  const weights = initLlamaWeights(config, 5);
  const missing = new Map(weights);
  missing.delete("model.layers.2.mlp.up_proj.weight");
  assert.throws(() => llamaWeightsFromSafetensors(config, writeSafetensors(missing)), {
    name: "WeightsError",
    message:
      "Cannot load weights as tensor 'model.layers.2.mlp.up_proj.weight' is missing (expected shape [172,64])",
  });
  const wrong = new Map(weights);
  wrong.set("model.layers.0.self_attn.k_proj.weight", {
    shape: [64, 64],
    data: new Float32Array(64 * 64),
  });
  assert.throws(() => llamaWeightsFromSafetensors(config, writeSafetensors(wrong)), {
    name: "WeightsError",
    message:
      "Cannot load weights as tensor 'model.layers.0.self_attn.k_proj.weight' must have shape [32,64]: current value is [64,64]",
  });
});

Deno.test("forging from a safetensors file gives the same graph and logits as the seeded path", async () => {
  configureOrt({ numThreads: 1 });
  for (const model of fixtureModels()) {
    const { config } = model;
    // A tied model's file may still carry lm_head.weight (HF often saves it); it is ignored.
    const extra = config.tie_word_embeddings
      ? [["lm_head.weight", model.weights.get("model.embed_tokens.weight")!] as const]
      : [];
    const file = llamaWeightsToSafetensors(new Map([...model.weights, ...extra]));
    const loaded = llamaWeightsFromSafetensors(config, file);
    const fromFile = buildLlamaOnnx(config, loaded);
    assert.equal(await sha256Hex(fromFile), await sha256Hex(model.onnx));
    const prompt = seededTokens(7, 6, config.vocab_size);
    const feeds = {
      inputIds: [prompt],
      attentionMask: [prompt.map(() => 1)],
      positionIds: [prompt.map((_, i) => i)],
    };
    const seeded = await createSession(model.onnx, "wasm", { logSeverityLevel: 3 });
    const forged = await createSession(fromFile, "wasm", { logSeverityLevel: 3 });
    const a = await runLlamaStep(seeded, config, feeds);
    const b = await runLlamaStep(forged, config, feeds);
    assert.deepEqual(b.logits, a.logits);
    await seeded.release();
    await forged.release();
  }
});
