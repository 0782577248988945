/**
 * Per-message pipeline settings as the toggles show them, and their translation into the
 * arguments of runPipeline (client/pipelines/run_pipeline.ts).
 *
 * @module
 */
import { z } from "zod";
import { CoveOptions, type PipelineOptionsInput, type Stage } from "../../../shared/pipeline.ts";
import { MAX_GAMMA_LIMIT, type SpeculativeRequest } from "../../engine/speculative/options.ts";

/** The CoVe variants the edge supports (shared/pipeline.ts CoveOptions). */
export const COVE_VARIANTS = CoveOptions.shape.variant.unwrap().options;
/** One CoVe variant. */
export type CoveVariant = (typeof COVE_VARIANTS)[number];

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
});
/** Pipeline toggles of one message. */
export type PipelineSettings = z.infer<typeof PipelineSettings>;

/** Everything off: a plain answer, no speculation. */
export const defaultPipelineSettings: PipelineSettings = {
  s2a: "off",
  selfrag: false,
  cove: "off",
  speculative: { enabled: false, gamma: "auto" },
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
 * Translate settings into runPipeline arguments.
 *
 * @example
 * ```ts
 * toPipelineRequest({ ...defaultPipelineSettings, selfrag: true, cove: "factored" });
 * // { pipeline: ["selfrag", "cove"], options: { cove: { variant: "factored" } },
 * //   s2aFilter: false, speculative: { gamma: 0 } }
 * ```
 */
export function toPipelineRequest(settings: PipelineSettings): PipelineRequest {
  const s = PipelineSettings.parse(settings);
  const pipeline: Stage[] = [];
  if (s.s2a === "llm") pipeline.push("s2a");
  if (s.selfrag) pipeline.push("selfrag");
  if (s.cove !== "off") pipeline.push("cove");
  return {
    pipeline,
    options: s.cove === "off" ? {} : { cove: { variant: s.cove } },
    s2aFilter: s.s2a === "filter",
    speculative: s.speculative.enabled ? { gamma: s.speculative.gamma } : { gamma: 0 },
  };
}
