import assert from "node:assert/strict";
import { InvalidRequestError } from "../../../../client/engine/errors.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import { resolveThinking, ThinkingRequest } from "../../../../client/engine/thinking/options.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import { configureOrt } from "../../../../client/engine/ort.ts";
import { fixtureEngine, ortTest } from "../engine_fixtures.ts";
import { thinkingEngine, thinkingModelPath } from "./thinking_model.ts";

const prompt = { id: "a", prompt: "Hello", max_tokens: 2 } as const;

Deno.test({
  name: "invalid thinking options are rejected naming the field",
  ...ortTest,
  fn: async () => {
    const engine = await thinkingEngine();
    try {
      const cases: [unknown, RegExp][] = [
        [{ k: 0 }, /thinking\.k'/],
        [{ k: 9 }, /thinking\.k'/],
        [{ t: 33 }, /thinking\.t'/],
        [{ t: 1.5 }, /thinking\.t'/],
        [{ w: 1.5 }, /thinking\.w'/],
        [{ w: "sometimes" }, /thinking\.w'/],
        [{ only_above_entropy: -1 }, /thinking\.only_above_entropy'/],
        [{ kk: 2 }, /thinking/],
        [{ w: 0.3, max_w: 0.2 }, /'entropy_threshold' and 'max_w' apply only to w 'entropy'/],
      ];
      for (const [thinking, message] of cases) {
        await assert.rejects(
          // Deliberately malformed requests: the cast skips the type check the engine repeats.
          engine.generate([{ ...prompt, thinking } as never]),
          (e: Error) => e instanceof InvalidRequestError && message.test(e.message),
          JSON.stringify(thinking),
        );
      }
      await assert.rejects(
        engine.generate([{ ...prompt, thinking: { w: "head" } }]),
        /Cannot run thinking with w 'head' as the model has no mixing head: .*'mixing_weight'/,
      );
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "thinking is rejected on a model whose tokenizer lacks the thought markers",
  ...ortTest,
  fn: async () => {
    const engine = await fixtureEngine("target", "wasm");
    try {
      await assert.rejects(
        engine.chat.completions.create({
          messages: [{ role: "user", content: "Hi" }],
          thinking: { k: 1 },
        }),
        (e: Error) =>
          e instanceof InvalidRequestError &&
          /must have the thought marker token\(s\) <\|startofthought\|> and <\|endofthought\|>/
            .test(e.message),
      );
      // The same engine still serves plain requests.
      const [r] = await engine.generate([{ ...prompt, temperature: 0 }]);
      assert.equal(r!.tokens.length, 2);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "thinking is rejected with a draft model and with an adapter",
  ...ortTest,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const path = await thinkingModelPath();
    const engine = await createEngine({
      model: { kind: "path", path },
      draft: { kind: "path", path },
      ep: "wasm",
    });
    try {
      await assert.rejects(
        engine.generate([{ ...prompt, thinking: {} }]),
        /Cannot run thinking as it is not supported with speculative decoding/,
      );
    } finally {
      await engine.dispose();
    }
    const files = await loadModelFolder({ kind: "path", path });
    const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
    assert.throws(
      () => resolveThinking({ codec, adapter: "style" }, {}),
      /not supported with LoRA adapters: current value of 'adapter' is 'style'/,
    );
    assert.deepEqual(resolveThinking({ codec }, ThinkingRequest.parse({})), {
      k: 2,
      t: 8,
      w: { kind: "fixed", value: 0.5 },
      onlyAboveEntropy: undefined,
      trace: false,
      startId: 3,
      endId: 4,
    });
  },
});
