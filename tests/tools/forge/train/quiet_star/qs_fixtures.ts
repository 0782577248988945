/**
 * Shared pieces of the Quiet-STaR trainer tests: a tiny model with thought markers, synthetic
 * examples with a loss mask, and settings around them.
 *
 * @module
 */
import type { LlamaConfig } from "../../../../../tools/forge/llama_config.ts";
import type { QsExample } from "../../../../../tools/forge/train/quiet_star/thought_data.ts";
import type { QsSettingsInput } from "../../../../../tools/forge/train/quiet_star/qs_settings.ts";
import { tinyConfig } from "../train_fixtures.ts";

/** Vocabulary of the tiny test model; ids 3 and 4 are the thought markers. */
export const QS_VOCAB = 40;
/** Thought marker and pad ids of the tests. */
export const QS_TOKENS = { sot: 3, eot: 4, pad: 0 } as const;

/** The tiny model (tied head). */
export function qsConfig(): LlamaConfig {
  return tinyConfig(QS_VOCAB, true);
}

/** `n` examples of 10..17 tokens in 5..39, the second half trained. */
export function qsExamples(n: number): QsExample[] {
  return Array.from({ length: n }, (_, e) => {
    const len = 10 + (e % 8);
    const ids = Int32Array.from({ length: len }, (_, i) => 5 + ((e * 7 + i * 3 + (i >> 2)) % 35));
    const mask = Uint8Array.from({ length: len }, (_, i) => (i >= len / 2 ? 1 : 0));
    return { ids, mask };
  });
}

/** Settings for `steps` steps on the tiny model. */
export function qsSettings(config: LlamaConfig, steps: number): QsSettingsInput {
  return {
    model: config,
    batch: 2,
    seq: 18,
    positions: 2,
    k: 2,
    t: 3,
    ahead: 2,
    optimizer: { lr: 1e-3, minLr: 1e-4, warmupSteps: 1 },
    headLr: 1e-2,
    steps,
    seed: 5,
    tokens: QS_TOKENS,
  };
}
