/**
 * How adapters change speculative acceptance: the LoRA fixture target (`target_lora`) with the
 * plain base model as its draft (the draft never uses adapters). Base rows should accept every
 * proposal; adapter rows accept what the base model still predicts under the adapter.
 *
 * @module
 */
import type { GenerateResult } from "../client/engine/api.ts";
import { createEngine } from "../client/engine/engine.ts";
import { UrlAdapterSource } from "../client/adapters/map_source.ts";

const FIXTURES = new URL("../models/fixtures/", import.meta.url);
const ADAPTERS = ["alpha", "beta", "gamma", "delta"];
const PROMPTS = ["The river", "Hello", "Numbers: 1 2 3", "Once upon a time", "Why?", "The mill"];

/** Acceptance (accepted / proposed draft tokens) of base rows and adapter rows. */
export interface AcceptanceReport {
  readonly base: { accepted: number; proposed: number; rate: number };
  readonly adapters: { accepted: number; proposed: number; rate: number };
  readonly gamma: number;
}

function rate(results: readonly GenerateResult[]) {
  let accepted = 0, proposed = 0;
  for (const r of results) {
    const d = r.usage.completion_tokens_details;
    accepted += d?.accepted_prediction_tokens ?? 0;
    proposed += (d?.accepted_prediction_tokens ?? 0) + (d?.rejected_prediction_tokens ?? 0);
  }
  return { accepted, proposed, rate: proposed === 0 ? 0 : accepted / proposed };
}

/**
 * Run 6 base rows and 6 adapter rows (greedy, fixed gamma) on the fixture pair.
 *
 * @example
 * ```ts
 * const { base, adapters } = await loraAcceptance(24);
 * ```
 */
export async function loraAcceptance(maxTokens: number, gamma = 4): Promise<AcceptanceReport> {
  const engine = await createEngine({
    model: { kind: "path", path: new URL("target_lora", FIXTURES).pathname },
    draft: { kind: "path", path: new URL("target", FIXTURES).pathname },
    ep: "wasm",
    maxBatch: 8,
  }, { adapters: new UrlAdapterSource(new URL("adapters/", FIXTURES)) });
  try {
    const reqs = (adapters: boolean) =>
      PROMPTS.map((prompt, i) => ({
        id: `${adapters ? "a" : "b"}${i}`,
        prompt,
        max_tokens: maxTokens,
        temperature: 0,
        speculative: { gamma },
        ...(adapters ? { adapter: ADAPTERS[i % ADAPTERS.length]! } : {}),
      }));
    const base = await engine.generate(reqs(false));
    const adapted = await engine.generate(reqs(true));
    return { base: rate(base), adapters: rate(adapted), gamma };
  } finally {
    await engine.dispose();
  }
}
