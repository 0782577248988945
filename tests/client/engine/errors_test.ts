import assert from "node:assert/strict";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import { fixtureEngine, fixturePath, ortTest } from "./engine_fixtures.ts";

/** Copy the target fixture folder to a temp dir, letting the test edit it. */
async function copyFixture(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "verity-model-" });
  await Deno.mkdir(`${dir}/onnx`);
  const src = fixturePath("target");
  for (
    const f of [
      "config.json",
      "generation_config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "onnx/model.onnx",
    ]
  ) {
    await Deno.copyFile(`${src}/${f}`, `${dir}/${f}`);
  }
  await edit(dir);
  return dir;
}

async function loadError(dir: string): Promise<Error> {
  configureOrt({ numThreads: 1 });
  try {
    const engine = await createEngine({ model: { kind: "path", path: dir }, ep: "wasm" });
    await engine.dispose();
  } catch (err) {
    return err as Error;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  throw new Error("expected the load to fail");
}

Deno.test({
  name: "a folder missing a required file fails with ModelLoadError naming the file",
  ...ortTest,
  fn: async () => {
    const err = await loadError(await copyFixture((d) => Deno.remove(`${d}/tokenizer.json`)));
    assert.equal(err.name, "ModelLoadError");
    assert.match(err.message, /'tokenizer\.json' is missing/);
  },
});

Deno.test({
  name: "an ONNX graph whose layers do not match config.json fails with ModelMismatchError",
  ...ortTest,
  fn: async () => {
    const err = await loadError(
      await copyFixture(async (d) => {
        const config = JSON.parse(await Deno.readTextFile(`${d}/config.json`));
        config.num_hidden_layers = 5;
        await Deno.writeTextFile(`${d}/config.json`, JSON.stringify(config));
      }),
    );
    assert.equal(err.name, "ModelMismatchError");
    assert.match(err.message, /past_key_values\.4\.key/);
  },
});

Deno.test({
  name: "a malformed config.json fails with ModelLoadError naming the field",
  ...ortTest,
  fn: async () => {
    const err = await loadError(
      await copyFixture(async (d) => {
        const config = JSON.parse(await Deno.readTextFile(`${d}/config.json`));
        config.vocab_size = "many";
        await Deno.writeTextFile(`${d}/config.json`, JSON.stringify(config));
      }),
    );
    assert.equal(err.name, "ModelLoadError");
    assert.match(err.message, /'config\.json' field 'vocab_size'/);
  },
});

Deno.test({
  name: "bad requests get clear errors and leave the engine usable",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      const messages = [{ role: "user" as const, content: "Hi" }];
      await assert.rejects(
        engine.chat.completions.create({ messages, temperature: 5 }),
        (e: Error) => e.name === "InvalidRequestError" && /'temperature'/.test(e.message),
      );
      await assert.rejects(
        engine.chat.completions.create({ messages: [] }),
        (e: Error) => e.name === "InvalidRequestError" && /'messages'/.test(e.message),
      );
      await assert.rejects(
        engine.generate([{ id: "a", prompt: "x", messages }]),
        (e: Error) =>
          e.name === "InvalidRequestError" &&
          /exactly one of 'messages' or 'prompt'/.test(e.message),
      );
      await assert.rejects(
        engine.generate([{ id: "a", prompt: "the river ".repeat(400), max_tokens: 4 }]),
        (e: Error) => e.name === "ContextOverflowError" && /context window is 512/.test(e.message),
      );
      await assert.rejects(
        engine.generate([{ id: "a", prompt: "x", score_tokens: ["a long phrase of words"] }]),
        (e: Error) => e.name === "InvalidRequestError" && /single token/.test(e.message),
      );
      const ok = await engine.chat.completions.create({ messages, max_tokens: 3, temperature: 0 });
      assert.equal(ok.usage.completion_tokens, 3);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "a disposed engine refuses calls with EngineStateError",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("draft", "wasm");
    await engine.dispose();
    await assert.rejects(
      engine.generate([{ id: "a", prompt: "x" }]),
      (e: Error) => e.name === "EngineStateError",
    );
  },
});
