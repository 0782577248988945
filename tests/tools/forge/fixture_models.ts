/**
 * Test helper: the fixture models (target: untied, draft: tied; both GQA) built in memory
 * from their seeds, and seeded token prompts.
 *
 * @module
 */
import { fixtureSpecs, fixtureTokenizer } from "../../../tools/forge/fixtures.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import type { LlamaConfig } from "../../../tools/forge/llama_config.ts";
import { initLlamaWeights, type LlamaWeights } from "../../../tools/forge/weights.ts";
import { createRng } from "../../../tools/forge/rng.ts";

/** A fixture model with its ONNX bytes. */
export interface FixtureModel {
  /** "target" or "draft". */
  readonly name: string;
  /** Its config. */
  readonly config: LlamaConfig;
  /** Its seeded weights. */
  readonly weights: LlamaWeights;
  /** Its forged ONNX graph. */
  readonly onnx: Uint8Array;
}

/** Build the fixture models in memory (same seeds as `deno task forge`). */
export function fixtureModels(): FixtureModel[] {
  return fixtureSpecs(fixtureTokenizer()).map((spec) => {
    const weights = initLlamaWeights(spec.config, spec.seed);
    return {
      name: spec.name,
      config: spec.config,
      weights,
      onnx: buildLlamaOnnx(spec.config, weights),
    };
  });
}

/** `count` token ids in [3, vocab) (no ChatML special tokens) from a seeded RNG. */
export function seededTokens(seed: number, count: number, vocab: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => 3 + Math.floor(rng.uniform() * (vocab - 3)));
}
