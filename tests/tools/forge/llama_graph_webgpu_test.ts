/**
 * Numerics proof on the WebGPU EP (Deno's software adapter here): a full prompt through
 * each forged fixture model matches the TypeScript reference within 1e-4.
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../client/engine/ort.ts";
import { ReferenceLlama } from "./reference_llama.ts";
import { logitsAt, maxAbsDiff, runLlamaStep } from "./ort_llama.ts";
import { fixtureModels, seededTokens } from "./fixture_models.ts";

const TOLERANCE = 1e-4;

Deno.test({
  name: "forged target and draft match the reference for a full prompt on the WebGPU EP",
  // onnxruntime-web keeps its WebGPU device and timers alive after the session is released.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    assert.ok(navigator.gpu !== undefined, "WebGPU must be exposed");
    configureOrt({ numThreads: 1 });
    for (const model of fixtureModels()) {
      const { config } = model;
      const session = await createSession(model.onnx, "webgpu", { logSeverityLevel: 3 });
      const prompt = seededTokens(11, 13, config.vocab_size);
      const positions = prompt.map((_, i) => i);
      const out = await runLlamaStep(session, config, {
        inputIds: [prompt],
        attentionMask: [prompt.map(() => 1)],
        positionIds: [positions],
      });
      const reference = new ReferenceLlama(config, model.weights);
      const expected = reference.forward(reference.newCache(), prompt, positions);
      let error = 0;
      for (let i = 0; i < prompt.length; i++) {
        const got = logitsAt(out.logits, prompt.length, config.vocab_size, 0, i);
        error = Math.max(error, maxAbsDiff(got, expected[i]!));
      }
      console.log(
        `[numerics] webgpu ${model.name} (a) full prompt: max abs logit error ${
          error.toExponential(2)
        }`,
      );
      assert.ok(error < TOLERANCE, `${model.name}: max abs error ${error}`);
      await session.release();
    }
  },
});
