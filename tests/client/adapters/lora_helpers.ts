/**
 * Test helpers for multi-LoRA: the forged LoRA fixture in memory, its adapters as an
 * AdapterSource, reference models with an adapter merged into the weights (W + scaling * B A),
 * and engines over them.
 *
 * @module
 */
import { loraFixture } from "../../../tools/forge/lora_fixtures.ts";
import {
  type ForgedLoraAdapter,
  loraAdapterFiles,
  mergeLoraWeights,
} from "../../../tools/forge/lora_adapter.ts";
import { type LlamaConfig, parseLlamaConfig } from "../../../tools/forge/llama_config.ts";
import { llamaFolderFiles } from "../../../tools/forge/model_folder.ts";
import { fixtureTokenizer } from "../../../tools/forge/fixtures.ts";
import type { LlamaWeights } from "../../../tools/forge/weights.ts";
import { MapAdapterSource } from "../../../client/adapters/map_source.ts";
import type { PeftAdapterFiles } from "../../../client/adapters/source.ts";
import { createEngine, type EngineDeps } from "../../../client/engine/engine.ts";
import type { Engine } from "../../../client/engine/api.ts";
import type { Decoder } from "../../../client/engine/decoder.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import type { EngineInitInput } from "../../../client/engine/init.ts";

/** The LoRA fixture (built once per test process). */
export const fixture = loraFixture();

/** The fixture's base config without LoRA slots. */
export function plainConfig(config: LlamaConfig = fixture.config): LlamaConfig {
  const { lora: _lora, ...rest } = config;
  return parseLlamaConfig(rest);
}

/** A forged adapter by name. */
export function adapter(name: string): ForgedLoraAdapter {
  const found = fixture.adapters.find((a) => a.name === name);
  if (found === undefined) throw new Error(`no fixture adapter '${name}'`);
  return found;
}

/** The PEFT files of a forged adapter. */
export function peftFiles(a: ForgedLoraAdapter): PeftAdapterFiles {
  const files = loraAdapterFiles(a);
  const config = JSON.parse(new TextDecoder().decode(files.get(`${a.name}/adapter_config.json`)!));
  return { config, weights: files.get(`${a.name}/adapter_model.safetensors`)! };
}

/** Every fixture adapter as an in-memory source. */
export function fixtureSource(): MapAdapterSource {
  return new MapAdapterSource(new Map(fixture.adapters.map((a) => [a.name, peftFiles(a)])));
}

/** Weights with `name` merged in (undefined: the base weights). */
export function mergedWeights(name: string | undefined): LlamaWeights {
  return name === undefined ? fixture.weights : mergeLoraWeights(fixture.weights, adapter(name));
}

/** A model folder (bytes) of the base with an adapter merged and no LoRA slots. */
export function mergedFolder(name: string | undefined): Record<string, Uint8Array> {
  const tok = fixtureTokenizer();
  return Object.fromEntries(llamaFolderFiles({
    config: plainConfig(),
    weights: mergedWeights(name),
    tokenizerJson: tok.tokenizerJson,
    tokenizerConfig: tok.tokenizerConfig,
  }));
}

/** The LoRA base model folder (bytes). */
export function loraFolder(): Record<string, Uint8Array> {
  const tok = fixtureTokenizer();
  return Object.fromEntries(llamaFolderFiles({
    config: fixture.config,
    weights: fixture.weights,
    tokenizerJson: tok.tokenizerJson,
    tokenizerConfig: tok.tokenizerConfig,
  }));
}

/** An engine over in-memory folder files on wasm (single-threaded under Deno). */
export function bytesEngine(
  files: Record<string, Uint8Array>,
  init: Omit<EngineInitInput, "model"> = {},
  deps: EngineDeps = {},
): Promise<Engine> {
  configureOrt({ numThreads: 1 });
  return createEngine({ model: { kind: "bytes", files }, ep: "wasm", ...init }, deps);
}

/** Largest absolute difference of two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Logits ([seq, vocab]) of a prompt alone, then of one more token after it ([vocab]). */
export async function alone(decoder: Decoder, prompt: number[], next: number) {
  const n = prompt.length;
  const pre = await decoder.step({
    inputIds: BigInt64Array.from(prompt, BigInt),
    attentionMask: new BigInt64Array(n).fill(1n),
    positionIds: BigInt64Array.from(prompt.keys(), BigInt),
    batch: 1,
    seq: n,
    past: decoder.emptyKv(1),
  });
  const dec = await decoder.step({
    inputIds: BigInt64Array.of(BigInt(next)),
    attentionMask: new BigInt64Array(n + 1).fill(1n),
    positionIds: BigInt64Array.of(BigInt(n)),
    batch: 1,
    seq: 1,
    past: pre.present,
  });
  return { prefill: pre.logits, decode: dec.logits };
}
