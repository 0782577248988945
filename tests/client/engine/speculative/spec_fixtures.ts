/**
 * Test helpers for speculative decoding: engines over the fixture target with a draft (the
 * fixture draft, the target itself, or the target cut to its first layers), and target-only
 * greedy references.
 *
 * @module
 */
import { createEngine } from "../../../../client/engine/engine.ts";
import type { Engine, GenerateRequest } from "../../../../client/engine/api.ts";
import type { ModelSource } from "../../../../client/engine/loader/load_folder.ts";
import { configureOrt, type ExecutionProvider } from "../../../../client/engine/ort.ts";
import { fixtureSpecs, fixtureTokenizer } from "../../../../tools/forge/fixtures.ts";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { llamaFolderFiles } from "../../../../tools/forge/model_folder.ts";
import { initLlamaWeights, validateLlamaWeights } from "../../../../tools/forge/weights.ts";
import { fixturePath } from "../engine_fixtures.ts";

/** Which draft: the fixture draft (random, alpha ~ 0), the target itself (alpha = 1), or the target's first layers. */
export type DraftKind = "draft" | "target" | "truncated";

let truncatedCache: Record<string, Uint8Array> | undefined;

/**
 * The fixture target cut to its first `layers` layers (same embeddings, final norm and head):
 * a draft that agrees with the target often but not always. Built in memory by the forge.
 */
export function truncatedTargetFiles(layers = 2): Record<string, Uint8Array> {
  if (layers === 2 && truncatedCache !== undefined) return truncatedCache;
  const tokenizer = fixtureTokenizer();
  const spec = fixtureSpecs(tokenizer).find((s) => s.name === "target")!;
  const config = parseLlamaConfig({ ...spec.config, num_hidden_layers: layers });
  const weights = validateLlamaWeights(config, initLlamaWeights(spec.config, spec.seed));
  const files = llamaFolderFiles({
    config,
    weights,
    tokenizerJson: tokenizer.tokenizerJson,
    tokenizerConfig: tokenizer.tokenizerConfig,
  });
  const out = Object.fromEntries(files);
  if (layers === 2) truncatedCache = out;
  return out;
}

/** The model source of a draft kind. */
export function draftSource(kind: DraftKind): ModelSource {
  return kind === "truncated"
    ? { kind: "bytes", files: truncatedTargetFiles() }
    : { kind: "path", path: fixturePath(kind) };
}

/** An engine over the fixture target with a draft (wasm single-threaded under Deno). */
export function specEngine(
  draft: DraftKind,
  ep: ExecutionProvider,
  maxBatch = 8,
): Promise<Engine> {
  configureOrt({ numThreads: 1 });
  return createEngine({
    model: { kind: "path", path: fixturePath("target") },
    draft: draftSource(draft),
    ep,
    maxBatch,
  });
}

/** Prompts of different lengths. */
export const PROMPTS = [
  "The river",
  "A much longer prompt about the old mill and the river that runs past it",
  "Hello",
  "Numbers: 1 2 3 4 5 6 7",
  "Once upon a time there was a small town",
  "Why?",
];

/** Greedy raw-prompt requests for the prompts. */
export function greedyRequests(
  maxTokens: (i: number) => number,
  extra: Partial<GenerateRequest> = {},
): GenerateRequest[] {
  return PROMPTS.map((prompt, i) => ({
    id: `r${i}`,
    prompt,
    max_tokens: maxTokens(i),
    temperature: 0,
    ...extra,
  }));
}
