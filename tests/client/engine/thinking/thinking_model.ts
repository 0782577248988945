/**
 * Test helper: a tiny forged model whose tokenizer has the Quiet-STaR thought markers
 * (<|startofthought|> and <|endofthought|> as special tokens 3 and 4), written to a temp
 * folder, and engines over it.
 *
 * @module
 */
import { FIXTURE_TEXT } from "../../../../tools/forge/fixture_text.ts";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { llamaFolderFiles, writeFileSet } from "../../../../tools/forge/model_folder.ts";
import { trainChatMlTokenizer } from "../../../../tools/forge/tokenizer_files.ts";
import { initLlamaWeights } from "../../../../tools/forge/weights.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import type { Engine } from "../../../../client/engine/api.ts";
import { configureOrt, type ExecutionProvider } from "../../../../client/engine/ort.ts";
import { END_OF_THOUGHT, START_OF_THOUGHT } from "../../../../client/engine/thinking/options.ts";

/** Vocabulary of the thinking test model. */
export const THINKING_VOCAB = 320;
/** Context window of the thinking test model. */
export const THINKING_MAX_POSITIONS = 128;

let folder: Promise<string> | undefined;

/** The thinking test model's tokenizer, config and weights. */
export function thinkingModelParts() {
  const tok = trainChatMlTokenizer({
    text: FIXTURE_TEXT,
    vocabSize: THINKING_VOCAB,
    modelMaxLength: THINKING_MAX_POSITIONS,
    extraSpecialTokens: [START_OF_THOUGHT, END_OF_THOUGHT],
  });
  const config = parseLlamaConfig({
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: tok.bpe.vocab.size,
    hidden_size: 32,
    intermediate_size: 86,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    num_key_value_heads: 1,
    head_dim: 16,
    max_position_embeddings: THINKING_MAX_POSITIONS,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    bos_token_id: tok.ids.endoftext,
    eos_token_id: tok.ids.imEnd,
    pad_token_id: tok.ids.endoftext,
    tie_word_embeddings: true,
    torch_dtype: "float32",
  });
  return { tok, config, weights: initLlamaWeights(config, 4242) };
}

/** Forge the model once per process into a temp folder; returns the folder path. */
export function thinkingModelPath(): Promise<string> {
  folder ??= (async () => {
    const { tok, config, weights } = thinkingModelParts();
    const dir = await Deno.makeTempDir({ prefix: "verity_thinking_model_" });
    removeAtExit(dir);
    await writeFileSet(
      dir,
      llamaFolderFiles({
        config,
        weights,
        tokenizerJson: tok.tokenizerJson,
        tokenizerConfig: tok.tokenizerConfig,
      }),
    );
    return dir;
  })();
  return folder;
}

/** An engine over the thinking test model (wasm single-threaded under Deno). */
export async function thinkingEngine(
  ep: ExecutionProvider = "wasm",
  maxBatch = 8,
): Promise<Engine> {
  configureOrt({ numThreads: 1 });
  return createEngine({ model: { kind: "path", path: await thinkingModelPath() }, ep, maxBatch });
}

/** Remove a per-process temp folder when the test process ends. */
function removeAtExit(dir: string): void {
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already gone.
    }
  });
}
