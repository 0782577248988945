/**
 * Weights trained with jax-js and written through the forge as an ONNX folder give
 * onnxruntime-web (wasm) logits equal to the trainer's own logits within 1e-4.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configureOrt, createSession } from "../../../../client/engine/ort.ts";
import { BatchSource } from "../../../../tools/forge/train/data.ts";
import { exportModelFolder } from "../../../../tools/forge/train/export.ts";
import { LlamaTrainer } from "../../../../tools/forge/train/trainer.ts";
import { initLlamaWeights } from "../../../../tools/forge/weights.ts";
import { fixtureTokenizer } from "../../../../tools/forge/fixtures.ts";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { maxAbsDiff, runLlamaStep } from "../ort_llama.ts";
import { jaxTest, runConfig, syntheticStream, tinyConfig, useWasm } from "./train_fixtures.ts";

for (const tied of [false, true]) {
  Deno.test({
    ...jaxTest,
    name: `exported ${
      tied ? "tied" : "untied"
    } GQA weights give onnxruntime logits equal to jax-js within 1e-4`,
    fn: async () => {
      await useWasm();
      const tok = fixtureTokenizer();
      const vocab =
        Object.keys((tok.tokenizerJson as { model: { vocab: object } }).model.vocab).length;
      const config = tinyConfig(vocab, tied);
      // Start from the forge's wide init (logits spread over several units), then train a little.
      const trainer = LlamaTrainer.create(
        runConfig(config, 3),
        new BatchSource(syntheticStream(vocab, 800), 4, 16, 5),
        initLlamaWeights(config, 21),
      );
      for (let i = 0; i < 3; i++) await trainer.trainStep();
      const seq = 12;
      const prompt = Array.from({ length: 2 * seq }, (_, i) => (i * 13 + 5) % vocab);
      const jaxLogits = await trainer.logits(Int32Array.from(prompt), 2); // [2 * seq * vocab]
      const dir = await Deno.makeTempDir();
      try {
        await exportModelFolder(dir, {
          config,
          weights: await trainer.weights(),
          tokenizerDir: await writeTokenizer(dir, tok.tokenizerJson, tok.tokenizerConfig),
        });
        trainer.dispose();
        const written = parseLlamaConfig(JSON.parse(await Deno.readTextFile(`${dir}/config.json`)));
        assert.deepEqual(written, config);
        configureOrt({ numThreads: 1 });
        const session = await createSession(await Deno.readFile(`${dir}/onnx/model.onnx`), "wasm", {
          logSeverityLevel: 3,
        });
        const rows = [prompt.slice(0, seq), prompt.slice(seq)];
        const out = await runLlamaStep(session, config, {
          inputIds: rows,
          attentionMask: rows.map((r) => r.map(() => 1)),
          positionIds: rows.map((r) => r.map((_, i) => i)),
        });
        await session.release();
        const error = maxAbsDiff(out.logits, jaxLogits);
        const spread = Math.max(...jaxLogits.map(Math.abs));
        console.log(
          `[parity] ${tied ? "tied" : "untied"}: max |ort - jax| ${
            error.toExponential(2)
          }, max |logit| ${spread.toFixed(2)}`,
        );
        assert.ok(spread > 1, `logits too small to be a meaningful check: ${spread}`);
        assert.ok(error < 1e-4, `max abs logit difference ${error}`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

async function writeTokenizer(dir: string, json: unknown, config: unknown): Promise<string> {
  const tokDir = `${dir}/tokenizer_src`;
  await Deno.mkdir(tokDir, { recursive: true });
  await Deno.writeTextFile(`${tokDir}/tokenizer.json`, JSON.stringify(json));
  await Deno.writeTextFile(`${tokDir}/tokenizer_config.json`, JSON.stringify(config));
  return tokDir;
}
