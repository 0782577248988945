/** Llama config validation: HF field names, defaults, errors that name the field. */
import assert from "node:assert/strict";
import { llamaParameterCount, parseLlamaConfig } from "../../../tools/forge/llama_config.ts";

const BASE = {
  model_type: "llama",
  architectures: ["LlamaForCausalLM"],
  vocab_size: 512,
  hidden_size: 64,
  intermediate_size: 172,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 512,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: false,
  bos_token_id: 0,
  eos_token_id: 2,
  pad_token_id: 0,
  torch_dtype: "float32",
};

Deno.test("parseLlamaConfig defaults head_dim to hidden_size / num_attention_heads and fills HF defaults", () => {
  const config = parseLlamaConfig(BASE);
  assert.equal(config.head_dim, 16);
  assert.equal(config.hidden_act, "silu");
  assert.equal(config.rope_scaling, null);
});

Deno.test("parseLlamaConfig names the offending field", () => {
  assert.throws(() => parseLlamaConfig({ ...BASE, hidden_size: "64" }), {
    name: "ModelConfigError",
    message: /^Cannot load model config as 'hidden_size' is invalid .*: current value is "64"$/,
  });
  assert.throws(() => parseLlamaConfig({ ...BASE, num_key_value_heads: 3 }), {
    name: "ModelConfigError",
    message:
      "Cannot load model config as 'num_key_value_heads' must divide num_attention_heads (4): current value is 3",
  });
  assert.throws(() => parseLlamaConfig({ ...BASE, torch_dtype: "float16" }), {
    name: "ModelConfigError",
    message: /'torch_dtype' .*current value is "float16"/,
  });
  assert.throws(() => parseLlamaConfig({ ...BASE, eos_token_id: 600 }), {
    name: "ModelConfigError",
    message:
      "Cannot load model config as 'vocab_size' must exceed every special token id (600): current value is 512",
  });
  const { rope_theta: _, ...missing } = BASE;
  assert.throws(() => parseLlamaConfig(missing), {
    name: "ModelConfigError",
    message: /'rope_theta'/,
  });
});

Deno.test("llamaParameterCount counts lm_head only when untied", () => {
  const untied = parseLlamaConfig(BASE);
  const tied = parseLlamaConfig({ ...BASE, tie_word_embeddings: true });
  assert.equal(
    untied.vocab_size * untied.hidden_size,
    llamaParameterCount(untied) - llamaParameterCount(tied),
  );
  // embed 32768 + 4 x (128 + 8192 + 4096 + 33024) + norm 64 + lm_head 32768
  assert.equal(llamaParameterCount(untied), 247360);
});
