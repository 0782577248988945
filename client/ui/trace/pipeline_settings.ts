/**
 * Per-message pipeline settings as the toggles show them, and their translation into the
 * arguments of runPipeline (client/pipelines/run_pipeline.ts).
 *
 * @module
 */
import { z } from "zod";
import {
  BestOfNOptions,
  CoveOptions,
  type PipelineOptionsInput,
  type Stage,
} from "../../../shared/pipeline.ts";
import { MAX_GAMMA_LIMIT, type SpeculativeRequest } from "../../engine/speculative/options.ts";
import { ThinkingSettings } from "./thinking_settings.ts";

/** The CoVe variants the edge supports (shared/pipeline.ts CoveOptions). */
export const COVE_VARIANTS = CoveOptions.shape.variant.unwrap().options;
/** One CoVe variant. */
export type CoveVariant = (typeof COVE_VARIANTS)[number];

const BON = BestOfNOptions.shape;
/** How best-of-n picks its answer (shared/pipeline.ts BestOfNOptions `selection`). */
export const BEST_OF_N_SELECTIONS = BON.selection.unwrap().options;
/** The best-of-n verifiers (shared/pipeline.ts BestOfNOptions `verifier`). */
export const BEST_OF_N_VERIFIERS = BON.verifier.unwrap().options;
/** Upper bound on the candidates of best-of-n (the edge's limit). */
export const MAX_BEST_OF_N = 32;

/** Why Self-RAG and best-of-n cannot both be on (shared/pipeline.ts isValidComposition). */
export const ANSWER_STAGE_CONFLICT =
  "Self-RAG and best-of-n both answer the question: a pipeline runs at most one of them";

/** Why thinking and the pipeline stages cannot both be on. */
export const THINKING_STAGE_CONFLICT =
  "thinking applies to direct answers, and the stages run their own engine batches";
/** The note next to the thinking box while a stage is on. */
export const THINKING_STAGE_NOTE = `Off while a pipeline stage is on: ${THINKING_STAGE_CONFLICT}.`;

/** True when a stage that talks to the edge (S2A, Self-RAG, best-of-n, CoVe) is on. */
export function hasStages(
  s: { s2a: string; selfrag: boolean; cove: string; bestOfN: { enabled: boolean } },
): boolean {
  return s.s2a !== "off" || s.selfrag || s.bestOfN.enabled || s.cove !== "off";
}

/** The best-of-n toggle; every field has a default so settings stored before it still parse. */
export const BestOfNSettings = z.object({
  enabled: z.boolean().default(false),
  /** Candidates sampled as one batch. */
  n: z.number().int().min(1).max(MAX_BEST_OF_N).default(4),
  selection: z.enum(BEST_OF_N_SELECTIONS).default("vote"),
  verifier: z.enum(BEST_OF_N_VERIFIERS).default("arithmetic"),
});
/** The best-of-n toggle. */
export type BestOfNSettings = z.infer<typeof BestOfNSettings>;

/** Pipeline toggles of one message. */
export const PipelineSettings = z.object({
  /** S2A: off, the LLM rewrite stage, or the model-free filter of the edge. */
  s2a: z.enum(["off", "llm", "filter"]),
  selfrag: z.boolean(),
  cove: z.enum(["off", ...COVE_VARIANTS]),
  speculative: z.object({
    enabled: z.boolean(),
    /** Draft tokens per round: adaptive, or fixed. */
    gamma: z.union([z.literal("auto"), z.number().int().min(1).max(MAX_GAMMA_LIMIT)]),
  }),
  /** Prover-verifier best-of-n; absent (settings stored before it) means off. */
  bestOfN: BestOfNSettings.prefault({}),
  /** Quiet-STaR thinking of direct answers; absent (settings stored before it) means off. */
  thinking: ThinkingSettings.prefault({}),
}).refine((s) => !(s.selfrag && s.bestOfN.enabled), {
  message:
    "Cannot turn on both Self-RAG and best-of-n as a pipeline runs at most one stage that answers: both are on",
  path: ["bestOfN", "enabled"],
}).refine((s) => !(s.thinking.enabled && hasStages(s)), {
  message: `Cannot turn on thinking with pipeline stages as ${THINKING_STAGE_CONFLICT}`,
  path: ["thinking", "enabled"],
});
/** Pipeline toggles of one message. */
export type PipelineSettings = z.infer<typeof PipelineSettings>;
/** Pipeline toggles as a caller or an old stored record writes them (`bestOfN` optional). */
export type PipelineSettingsInput = z.input<typeof PipelineSettings>;

/** Everything off: a plain answer, no speculation. */
export const defaultPipelineSettings: PipelineSettings = {
  s2a: "off",
  selfrag: false,
  cove: "off",
  speculative: { enabled: false, gamma: "auto" },
  bestOfN: { enabled: false, n: 4, selection: "vote", verifier: "arithmetic" },
  thinking: ThinkingSettings.parse({}),
};

/** What runPipeline needs from the settings. */
export interface PipelineRequest {
  readonly pipeline: Stage[];
  readonly options: PipelineOptionsInput;
  /** Run the model-free S2A filter before the stages. */
  readonly s2aFilter: boolean;
  /** `{ gamma: 0 }` turns speculation off on engines with a draft. */
  readonly speculative: SpeculativeRequest;
}

/**
 * Translate settings into runPipeline arguments (thinking: see thinking_settings.ts
 * toThinkingRequest). Throws (a zod error) when Self-RAG and best-of-n, or thinking and a
 * stage, are both on; the toggles never produce that.
 *
 * @example
 * ```ts
 * toPipelineRequest({ ...defaultPipelineSettings, selfrag: true, cove: "factored" });
 * // { pipeline: ["selfrag", "cove"], options: { cove: { variant: "factored" } },
 * //   s2aFilter: false, speculative: { gamma: 0 } }
 * ```
 */
export function toPipelineRequest(settings: PipelineSettingsInput): PipelineRequest {
  const s = PipelineSettings.parse(settings);
  const pipeline: Stage[] = [];
  const options: PipelineOptionsInput = {};
  if (s.s2a === "llm") pipeline.push("s2a");
  if (s.selfrag) pipeline.push("selfrag");
  if (s.bestOfN.enabled) {
    pipeline.push("best_of_n");
    const { n, selection, verifier } = s.bestOfN;
    options.best_of_n = { n, selection, verifier };
  }
  if (s.cove !== "off") {
    pipeline.push("cove");
    options.cove = { variant: s.cove };
  }
  return {
    pipeline,
    options,
    s2aFilter: s.s2a === "filter",
    speculative: s.speculative.enabled ? { gamma: s.speculative.gamma } : { gamma: 0 },
  };
}
