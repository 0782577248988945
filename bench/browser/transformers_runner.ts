/**
 * transformers.js's side of the decode benchmark, in the browser (its web build runs on
 * onnxruntime-web; under Deno it would pick onnxruntime-node). The same forged model and
 * prompts as Verity: the tokenizer left-pads the batch (`padding: true`), `model.generate()`
 * decodes greedily (`do_sample: false`) for `max_new_tokens` N, and the tokens each row
 * actually produced are counted (up to its first end-of-sequence id).
 *
 * @module
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  Tensor,
} from "@huggingface/transformers";
import { type BatchRun, countGenerated, type DecodeEp } from "../decode_measure.ts";
import { promptsFor } from "../decode_plan.ts";

/** Where the page serves things from (same origin only). */
export interface TransformersSetup {
  /** URL prefix of the folder holding the model folders, e.g. "/models/fixtures/". */
  readonly localModelPath: string;
  /** Model folder name under {@link localModelPath}, e.g. "target". */
  readonly modelId: string;
  /** Same-origin URL prefix of transformers.js's own onnxruntime-web dist folder. */
  readonly ortDist: string;
}

/** A loaded transformers.js model and tokenizer. */
export interface TransformersModel {
  readonly model: PreTrainedModel;
  readonly tokenizer: PreTrainedTokenizer;
  readonly eosTokenIds: readonly number[];
}

/** Raised when transformers.js returns something the benchmark cannot count. */
export class TransformersBenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransformersBenchError";
  }
}

/** The transformers.js version. */
export function transformersVersion(): string {
  return env.version;
}

/** onnxruntime-web version bundled with transformers.js. */
export function transformersOrtVersion(): string {
  return env.backends.onnx.versions?.web ?? "unknown";
}

/**
 * Point transformers.js at local files only: the model folder on this origin and its own
 * onnxruntime-web wasm (the asyncify build it picks by default, but same-origin instead of its
 * CDN default), single-threaded like Verity.
 */
export function configureTransformers(setup: TransformersSetup): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = setup.localModelPath;
  // The Cache API copy would only add a second read of the same local files.
  env.useBrowserCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasm === undefined) throw new TransformersBenchError("transformers.js has no wasm backend");
  wasm.wasmPaths = {
    mjs: `${setup.ortDist}ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${setup.ortDist}ort-wasm-simd-threaded.asyncify.wasm`,
  };
  wasm.numThreads = 1;
}

/** Load the model (fp32) on an execution provider, with its tokenizer set to left padding. */
export async function loadTransformers(
  setup: TransformersSetup,
  ep: DecodeEp,
): Promise<TransformersModel> {
  configureTransformers(setup);
  const tokenizer = await AutoTokenizer.from_pretrained(setup.modelId);
  tokenizer.padding_side = "left";
  const model = await AutoModelForCausalLM.from_pretrained(setup.modelId, {
    dtype: "fp32",
    device: ep,
  });
  const eos = (model.generation_config as { eos_token_id?: number | number[] } | null)
    ?.eos_token_id;
  const eosTokenIds = eos === undefined ? [tokenizer.eos_token_id] : [eos].flat();
  return { model, tokenizer, eosTokenIds };
}

/** A {@link BatchRun} of transformers.js `generate()` over the first `batch` prompts. */
export function transformersBatchRun(loaded: TransformersModel, batch: number): BatchRun {
  const prompts = promptsFor(batch);
  return async (maxTokens) => {
    const inputs = loaded.tokenizer(prompts, { padding: true });
    const mask = inputs.attention_mask as Tensor; // [batch, padded prompt]
    const padded = mask.dims[1] ?? 0;
    const output = await loaded.model.generate({
      ...inputs,
      do_sample: false,
      max_new_tokens: maxTokens,
    });
    if (!(output instanceof Tensor)) {
      throw new TransformersBenchError("transformers.js generate() returned no tensor");
    }
    const sequences = (output.tolist() as bigint[][]).map((row) => row.map(Number)); // [batch, padded + new]
    return {
      promptTokens: (mask.tolist() as bigint[][]).flat().reduce((s, m) => s + Number(m), 0),
      newTokens: sequences.reduce(
        (s, seq) => s + countGenerated(seq, padded, loaded.eosTokenIds),
        0,
      ),
    };
  };
}
