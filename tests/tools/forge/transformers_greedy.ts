/**
 * Test helper: greedy decoding of a model folder with @huggingface/transformers loaded from
 * disk (no network). Under Deno, transformers.js takes its Node path and runs the graph on
 * onnxruntime-node (CPU EP), an ONNX runtime independent of Verity's onnxruntime-web.
 * The engine tests reuse this as their "what transformers.js would do" oracle.
 *
 * @module
 */
import { AutoModelForCausalLM, AutoTokenizer, env, Tensor } from "@huggingface/transformers";

/** Result of {@link transformersGreedy}. */
export interface TransformersGreedyResult {
  /** Prompt ids as transformers.js tokenized them (or as given). */
  readonly promptIds: number[];
  /** Generated ids after the prompt (stops early at generation_config.eos_token_id). */
  readonly newTokens: number[];
}

/**
 * Load `folder` (a transformers.js model folder: config.json, tokenizer files,
 * onnx/model.onnx) from disk with AutoTokenizer / AutoModelForCausalLM (dtype fp32) and
 * greedily generate (do_sample false) up to `maxNewTokens` tokens after `prompt` (text, or
 * token ids used as they are).
 *
 * @example
 * ```ts
 * const { newTokens } = await transformersGreedy("models/fixtures/target", "Hello", 20);
 * ```
 */
export async function transformersGreedy(
  folder: string,
  prompt: string | readonly number[],
  maxNewTokens = 20,
): Promise<TransformersGreedyResult> {
  const absolute = (await Deno.realPath(folder)).replace(/\/+$/, "");
  const slash = absolute.lastIndexOf("/");
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${absolute.slice(0, slash)}/`;
  const modelId = absolute.slice(slash + 1);

  let promptIds: number[];
  if (typeof prompt === "string") {
    const tokenizer = await AutoTokenizer.from_pretrained(modelId);
    promptIds = tokenizer.encode(prompt);
  } else {
    promptIds = [...prompt];
  }
  const ids = new Tensor("int64", BigInt64Array.from(promptIds.map(BigInt)), [1, promptIds.length]);
  const mask = new Tensor("int64", new BigInt64Array(promptIds.length).fill(1n), [
    1,
    promptIds.length,
  ]);
  const model = await AutoModelForCausalLM.from_pretrained(modelId, { dtype: "fp32" });
  try {
    const output = await model.generate({
      input_ids: ids,
      attention_mask: mask,
      do_sample: false,
      max_new_tokens: maxNewTokens,
    });
    if (!(output instanceof Tensor)) {
      throw new Error("transformers.js generate() returned no tensor");
    }
    const sequence = (output.tolist() as bigint[][])[0]!.map(Number);
    return { promptIds, newTokens: sequence.slice(promptIds.length) };
  } finally {
    await model.dispose();
  }
}
