/**
 * Malformed and unsupported adapter files are rejected with a message naming the adapter and
 * the problem, and a rejected import stores nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { AdapterImportError } from "../../../../client/adapters/store/errors.ts";
import { validateAdapter } from "../../../../client/adapters/store/validate_adapter.ts";
import { makePeftFiles, MODULE_DIMS, modulePath, safetensorsOf } from "./peft_files.ts";
import { openTestStore, rawCounts, rejection } from "./store_fixtures.ts";

const Q0 = modulePath(0, "q_proj");
const CONFIG = makePeftFiles().config; // r 4, targets q_proj and v_proj

/** The message validateAdapter throws for these files (fails when it accepts them). */
function rejected(config: string, weights: Uint8Array): string {
  try {
    validateAdapter("bad", config, weights);
  } catch (e) {
    assert.ok(e instanceof AdapterImportError, String(e));
    return e.message;
  }
  assert.fail("validateAdapter accepted the files");
}

const withConfig = (fields: Record<string, unknown>) => makePeftFiles({ config: fields }).config;
const goodWeights = makePeftFiles().weights;

Deno.test("a config that is not JSON or breaks the PEFT schema is rejected", () => {
  assert.match(
    rejected("{oops", goodWeights),
    /^Cannot import adapter 'bad' as adapter_config\.json must be JSON: /,
  );
  assert.match(
    rejected(JSON.stringify({ r: 0, lora_alpha: 8, target_modules: ["q_proj"] }), goodWeights),
    /^Cannot import adapter 'bad' as adapter_config\.json is invalid: 'r' /,
  );
  assert.match(
    rejected(JSON.stringify({ r: 4, lora_alpha: 8 }), goodWeights),
    /^Cannot import adapter 'bad' as adapter_config\.json is invalid: 'target_modules' /,
  );
});

Deno.test("DoRA, other PEFT types, Conv1D layouts and modules_to_save are rejected by their config", () => {
  assert.equal(
    rejected(withConfig({ use_dora: true }), goodWeights),
    "Cannot import adapter 'bad' as DoRA adapters are not supported: 'use_dora' is true",
  );
  assert.equal(
    rejected(withConfig({ peft_type: "IA3" }), goodWeights),
    `Cannot import adapter 'bad' as 'peft_type' must be "LORA": current value is "IA3"`,
  );
  assert.equal(
    rejected(withConfig({ fan_in_fan_out: true }), goodWeights),
    "Cannot import adapter 'bad' as fan_in_fan_out (Conv1D) adapters are not supported: it is true",
  );
  assert.equal(
    rejected(withConfig({ modules_to_save: ["lm_head"] }), goodWeights),
    `Cannot import adapter 'bad' as fully trained modules are not supported: 'modules_to_save' must be empty: current value is ["lm_head"]`,
  );
  assert.deepEqual(
    validateAdapter("ok", withConfig({ modules_to_save: [] }), goodWeights).targetModules,
    ["q_proj", "v_proj"],
  );
});

Deno.test("embedding adapters, DoRA magnitudes and foreign tensors are rejected by their keys", () => {
  const embed = "base_model.model.model.embed_tokens.lora_embedding_A";
  assert.equal(
    rejected(CONFIG, safetensorsOf({ [embed]: [4, 64] })),
    `Cannot import adapter 'bad' as embedding adapters are not supported: tensor '${embed}' is an embedding`,
  );
  const magnitude = `${Q0}.lora_magnitude_vector`;
  assert.equal(
    rejected(CONFIG, safetensorsOf({ [`${Q0}.lora_A.weight`]: [4, 16], [magnitude]: [16] })),
    `Cannot import adapter 'bad' as DoRA adapters are not supported: tensor '${magnitude}' is a DoRA magnitude`,
  );
  assert.equal(
    rejected(CONFIG, safetensorsOf({ [`${Q0}.lora_B.bias`]: [16] })),
    `Cannot import adapter 'bad' as tensor '${Q0}.lora_B.bias' is not a LoRA weight: keys must look like base_model.model.model.layers.N.<module>.lora_A.weight or .lora_B.weight`,
  );
});

Deno.test("missing halves, wrong ranks and untargeted modules are rejected", () => {
  assert.equal(
    rejected(CONFIG, safetensorsOf({ [`${Q0}.lora_A.weight`]: [4, 16] })),
    "Cannot import adapter 'bad' as module 'model.layers.0.self_attn.q_proj' has lora_A but no lora_B weight",
  );
  assert.equal(
    rejected(
      CONFIG,
      safetensorsOf({ [`${Q0}.lora_A.weight`]: [8, 16], [`${Q0}.lora_B.weight`]: [16, 8] }),
    ),
    `Cannot import adapter 'bad' as tensor '${Q0}.lora_A.weight' must have shape [4, in] (r = 4): current value is [8,16]`,
  );
  assert.equal(
    rejected(
      CONFIG,
      safetensorsOf({ [`${Q0}.lora_A.weight`]: [4, 16], [`${Q0}.lora_B.weight`]: [4, 16] }),
    ),
    `Cannot import adapter 'bad' as tensor '${Q0}.lora_B.weight' must have shape [out, 4] (r = 4): current value is [4,16]`,
  );
  const o0 = modulePath(0, "o_proj");
  assert.equal(
    rejected(
      CONFIG,
      safetensorsOf({ [`${o0}.lora_A.weight`]: [4, 16], [`${o0}.lora_B.weight`]: [16, 4] }),
    ),
    `Cannot import adapter 'bad' as tensor '${o0}.lora_A.weight' adapts a module 'target_modules' does not list: current value is ["q_proj","v_proj"]`,
  );
  assert.equal(
    rejected(CONFIG, safetensorsOf({})),
    "Cannot import adapter 'bad' as adapter_model.safetensors holds no LoRA weights",
  );
});

Deno.test("rank_pattern sets a module's rank and a regex target_modules is matched in full", () => {
  const files = makePeftFiles({ r: 8, rankPattern: { "layers.1.self_attn.v_proj": 2 } });
  assert.deepEqual(validateAdapter("ok", files.config, files.weights).targetModules, [
    "q_proj",
    "v_proj",
  ]);
  const v1 = modulePath(1, "v_proj");
  const wrong = makePeftFiles({ r: 8 }); // v_proj of layer 1 has rank 8, the pattern says 2
  assert.equal(
    rejected(files.config, wrong.weights),
    `Cannot import adapter 'bad' as tensor '${v1}.lora_A.weight' must have shape [2, in] (rank_pattern gives r = 2): current value is [8,16]`,
  );
  const regex = withConfig({ target_modules: ".*\\.(q_proj|v_proj)" });
  assert.deepEqual(validateAdapter("ok", regex, goodWeights).targetModules, ["q_proj", "v_proj"]);
  const onlyQ = withConfig({ target_modules: ".*\\.q_proj" });
  assert.match(
    rejected(onlyQ, goodWeights),
    /v_proj\.lora_A\.weight' adapts a module 'target_modules' does not list/,
  );
});

Deno.test("a malformed safetensors header is rejected with the reason", () => {
  const lengthTooBig = new Uint8Array(16);
  new DataView(lengthTooBig.buffer).setBigUint64(0, 1000n, true);
  assert.equal(
    rejected(CONFIG, lengthTooBig),
    "Cannot import adapter 'bad' as adapter_model.safetensors is malformed: the header length must fit in the file (16 bytes): it is 1000",
  );
  const text = new TextEncoder().encode("[1,2]   ");
  const arrayHeader = new Uint8Array(8 + text.length);
  new DataView(arrayHeader.buffer).setBigUint64(0, BigInt(text.length), true);
  arrayHeader.set(text, 8);
  assert.equal(
    rejected(CONFIG, arrayHeader),
    "Cannot import adapter 'bad' as adapter_model.safetensors is malformed: the header must be a JSON object",
  );
  assert.equal(
    rejected(CONFIG, new Uint8Array(3)),
    "Cannot import adapter 'bad' as adapter_model.safetensors is malformed: the file must hold at least 8 bytes: it holds 3",
  );
});

Deno.test("a rejected import through the store leaves both tables empty", async () => {
  const { store, factory } = await openTestStore();
  const err = await rejection(store.importFiles(
    { config: withConfig({ use_dora: true }), weights: goodWeights },
    { name: "dora" },
  ));
  assert.equal(
    err.message,
    "Cannot import adapter 'dora' as DoRA adapters are not supported: 'use_dora' is true",
  );
  const embed = await rejection(store.importFiles(
    {
      config: CONFIG,
      weights: safetensorsOf({ "base_model.model.lm_head.lora_embedding_B": [64, 4] }),
    },
    { name: "embed" },
  ));
  assert.match(
    embed.message,
    /^Cannot import adapter 'embed' as embedding adapters are not supported/,
  );
  const empty = await rejection(
    store.importFiles({ config: CONFIG, weights: goodWeights }, { name: " " }),
  );
  assert.equal(
    empty.message,
    `Cannot import adapter as 'name' must not be empty: current value is " "`,
  );
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("any seeded adapter with any ranks and modules validates to its own summary", () => {
  const modules = fc.subarray(Object.keys(MODULE_DIMS), { minLength: 1 });
  fc.assert(fc.property(
    modules,
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 1, max: 3 }),
    fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    (mods, r, layers, patternRank) => {
      const rankPattern = patternRank === undefined ? {} : { [mods[0]!]: patternRank };
      const files = makePeftFiles({ r, layers, modules: mods, rankPattern });
      const summary = validateAdapter("p", files.config, files.weights);
      assert.deepEqual(summary.targetModules, mods.toSorted());
      assert.deepEqual([summary.r, summary.rankPattern], [r, rankPattern]);
    },
  ));
});
