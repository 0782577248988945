/**
 * What fails, and how: adapters on models without LoRA slots, engines without an adapter source,
 * unknown or malformed adapters (the engine keeps serving), and configs that disagree with the
 * graph about LoRA inputs.
 */
import assert from "node:assert/strict";
import { AdapterError, ModelMismatchError } from "../../../client/engine/errors.ts";
import { createDecoder } from "../../../client/engine/decoder.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import { fixtureEngine, ortTest } from "../engine/engine_fixtures.ts";
import {
  adapter,
  bytesEngine,
  fixture,
  fixtureSource,
  loraFolder,
  peftFiles,
  plainConfig,
} from "./lora_helpers.ts";

const req = { id: "a", prompt: "The river", max_tokens: 4, temperature: 0 };

Deno.test({
  name: "asking for an adapter on a model without LoRA slot inputs fails with a clear AdapterError",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      await assert.rejects(engine.generate([{ ...req, adapter: "alpha" }]), {
        name: "AdapterError",
        message:
          "Cannot use adapter 'alpha' as the model has no LoRA slot inputs (config.json has no 'lora' field)",
      });
      await assert.rejects(
        engine.chat.completions.create({
          messages: [{ role: "user", content: "hi" }],
          adapter: "alpha",
        }),
        AdapterError,
      );
      const m = await engine.adapterMetrics();
      assert.deepEqual([m.slots, m.location, m.loads], [0, "none", 0]);
      assert.equal((await engine.generate([req]))[0]!.tokens.length, 4);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "a LoRA model without an adapter source serves the base model and names the missing source",
  ...ortTest,
  fn: async () => {
    const engine = await bytesEngine(loraFolder());
    try {
      await assert.rejects(engine.generate([{ ...req, adapter: "alpha" }]), {
        name: "AdapterError",
        message: /without an adapter source \('adapters' of createEngine\)/,
      });
      const base = await fixtureEngine("target", "wasm");
      try {
        assert.deepEqual(
          (await engine.generate([req]))[0]!.tokens,
          (await base.generate([req]))[0]!.tokens,
        );
      } finally {
        await base.dispose();
      }
      assert.equal((await engine.adapterMetrics()).slots, 3);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "unknown and malformed adapters fail their rows only; the engine keeps serving",
  ...ortTest,
  fn: async () => {
    const source = fixtureSource();
    const dora = peftFiles(adapter("alpha"));
    source.set("dora", {
      config: { ...(dora.config as object), use_dora: true },
      weights: dora.weights,
    });
    const engine = await bytesEngine(loraFolder(), {}, { adapters: source });
    try {
      await assert.rejects(engine.generate([{ ...req, adapter: "nope" }]), {
        name: "AdapterError",
        message: "Cannot load adapter 'nope' as no adapter has that id",
      });
      const [bad, good] = await Promise.allSettled([
        engine.generate([{ ...req, adapter: "dora" }]),
        engine.generate([{ ...req, id: "b", adapter: "beta" }]),
      ]);
      assert.equal(bad.status, "rejected");
      assert.match(
        (bad as PromiseRejectedResult).reason.message,
        /DoRA adapters are not supported/,
      );
      assert.equal(good.status, "fulfilled");
      const m = await engine.adapterMetrics();
      assert.equal(m.loadFailures, 2);
      assert.deepEqual(m.resident, ["beta"]);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "a graph and config.json that disagree about LoRA slot inputs are refused at load",
  ...ortTest,
  fn: async () => {
    const loraOnnx = buildLlamaOnnx(fixture.config, fixture.weights);
    await assert.rejects(createDecoder(loraOnnx, plainConfig(), "wasm"), {
      name: "ModelMismatchError",
      message:
        "Cannot load model as the ONNX graph has LoRA slot inputs ('adapter_index') but config.json has no 'lora' field",
    });
    const plainOnnx = buildLlamaOnnx(plainConfig(), fixture.weights);
    await assert.rejects(
      createDecoder(plainOnnx, fixture.config, "wasm"),
      (e: Error) =>
        e instanceof ModelMismatchError &&
        /config.json 'lora' needs graph input\(s\) 'adapter_index', 'lora_A.0.q_proj'/.test(
          e.message,
        ),
    );
  },
});
