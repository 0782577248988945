/**
 * Train the tiny Llama in a browser with the same trainer code as Deno: jax-js on WebGPU
 * when the page has an adapter, a synthetic learnable token stream, a few steps.
 *
 * @module
 */
import { defaultDevice, init } from "@jax-js/jax";
import { parseLlamaConfig } from "../llama_config.ts";
import { BatchSource } from "./data.ts";
import { LlamaTrainer } from "./trainer.ts";

/** What a browser run reports. */
export interface BrowserRunResult {
  /** The jax-js device that ran the steps. */
  readonly device: string;
  /** Loss of every step. */
  readonly losses: number[];
  /** Wall time of every step in ms (the first includes shader compilation). */
  readonly stepMs: number[];
}

/**
 * Run `steps` training steps of a 2-layer GQA Llama (vocab 64) on `device`.
 *
 * @example
 * ```ts
 * const { losses } = await runBrowserTraining("webgpu", 6);
 * ```
 */
export async function runBrowserTraining(
  device: "webgpu" | "wasm",
  steps: number,
): Promise<BrowserRunResult> {
  const available = await init(device);
  if (!available.includes(device)) {
    throw new Error(
      `Cannot train in the browser as device "${device}" is unavailable: current value is ${
        JSON.stringify(available)
      }`,
    );
  }
  defaultDevice(device);
  const vocab = 64;
  const model = parseLlamaConfig({
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: vocab,
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 8,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    bos_token_id: 0,
    eos_token_id: 1,
    pad_token_id: 0,
    torch_dtype: "float32",
  });
  const length = 4000;
  const tokens = new Int32Array(length);
  for (let i = 0; i < length; i++) tokens[i] = (i * 7 + Math.floor(i / 5)) % vocab;
  const source = new BatchSource({ tokens, mask: new Uint8Array(length).fill(1) }, 4, 16, 1);
  const trainer = LlamaTrainer.create({
    model,
    optimizer: { lr: 1e-2, minLr: 1e-3, warmupSteps: 1 },
    batch: 4,
    seq: 16,
    steps,
    seed: 1,
  }, source);
  const stepMs: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await trainer.trainStep();
      stepMs.push(performance.now() - t0);
    }
    return { device, losses: [...trainer.losses], stepMs };
  } finally {
    trainer.dispose();
  }
}
