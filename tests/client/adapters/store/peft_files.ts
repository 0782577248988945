/**
 * Small seeded PEFT LoRA adapters for the store tests: adapter_config.json text and an F32
 * adapter_model.safetensors written with the forge's writer, Hugging Face key names, A [r, in]
 * and B [out, r]. No Deno APIs, so the browser test bundles it too.
 *
 * @module
 */
import { createRng, fnv1a32 } from "../../../../tools/forge/rng.ts";
import { type F32Tensor, writeSafetensors } from "../../../../tools/forge/safetensors.ts";

/** [in, out] features of each module of a tiny Llama (hidden 16, kv 8, intermediate 32). */
export const MODULE_DIMS: Readonly<Record<string, readonly [number, number]>> = {
  q_proj: [16, 16],
  k_proj: [16, 8],
  v_proj: [16, 8],
  o_proj: [16, 16],
  gate_proj: [16, 32],
  up_proj: [16, 32],
  down_proj: [32, 16],
};

/** Options of {@link makePeftFiles}. */
export interface PeftFilesOptions {
  readonly seed?: number;
  readonly r?: number;
  readonly loraAlpha?: number;
  readonly layers?: number;
  readonly modules?: readonly string[];
  readonly rankPattern?: Readonly<Record<string, number>>;
  /** Extra or overriding adapter_config.json fields. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The two files of an adapter plus the tensors written. */
export interface PeftFiles {
  readonly config: string;
  readonly weights: Uint8Array;
  readonly tensors: Map<string, F32Tensor>;
}

/** The Hugging Face module path of a module in layer `layer`. */
export function modulePath(layer: number, module: string): string {
  const block = ["q_proj", "k_proj", "v_proj", "o_proj"].includes(module) ? "self_attn" : "mlp";
  return `base_model.model.model.layers.${layer}.${block}.${module}`;
}

function seeded(name: string, seed: number, shape: readonly number[]): F32Tensor {
  const rng = createRng(fnv1a32(name) ^ seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.02;
  return { shape, data };
}

/**
 * A seeded PEFT adapter (default: r 4, alpha 8, 2 layers, q_proj and v_proj).
 *
 * @example
 * ```ts
 * const { config, weights } = makePeftFiles({ seed: 1, modules: ["q_proj"] });
 * ```
 */
export function makePeftFiles(options: PeftFilesOptions = {}): PeftFiles {
  const seed = options.seed ?? 1;
  const r = options.r ?? 4;
  const modules = options.modules ?? ["q_proj", "v_proj"];
  const rankPattern = options.rankPattern ?? {};
  const tensors = new Map<string, F32Tensor>();
  for (let layer = 0; layer < (options.layers ?? 2); layer++) {
    for (const module of modules) {
      const [inF, outF] = MODULE_DIMS[module] ?? [16, 16];
      const path = modulePath(layer, module);
      const rank = Object.entries(rankPattern).find(([k]) => path.endsWith(k))?.[1] ?? r;
      tensors.set(`${path}.lora_A.weight`, seeded(`${path}.A`, seed, [rank, inF]));
      tensors.set(`${path}.lora_B.weight`, seeded(`${path}.B`, seed, [outF, rank]));
    }
  }
  const config = JSON.stringify(
    {
      peft_type: "LORA",
      r,
      lora_alpha: options.loraAlpha ?? 8,
      target_modules: [...modules],
      rank_pattern: rankPattern,
      base_model_name_or_path: "verity/fixtures-target",
      task_type: "CAUSAL_LM",
      ...options.config,
    },
    null,
    2,
  );
  return { config, weights: writeSafetensors(tensors), tensors };
}

/** Safetensors bytes from tensors named freely (for malformed-file tests). */
export function safetensorsOf(entries: Record<string, readonly number[]>): Uint8Array {
  const tensors = new Map<string, F32Tensor>();
  for (const [name, shape] of Object.entries(entries)) tensors.set(name, seeded(name, 7, shape));
  return writeSafetensors(tensors);
}
