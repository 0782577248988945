/**
 * The pipeline state carried (signed) between steps: where the run is, what it has
 * produced, which requests it waits for, and every decision so far.
 *
 * @module
 */
import { z } from "zod";
import { PipelineOptions, Stage, TraceEvent } from "../../shared/pipeline.ts";
import { CoveStageState } from "../cove/stage.ts";
import { S2AStageState } from "../s2a/stage.ts";
import { SelfRagStageState } from "../selfrag/stage.ts";
import { BestOfNStageState } from "./best_of_n/stage.ts";

/** A request the run waits for, with what its result must carry. */
export const PendingRequest = z.object({
  id: z.string(),
  score_tokens: z.array(z.string()).optional(),
  logprobs: z.boolean().optional(),
});
/** A request the run waits for. */
export type PendingRequest = z.infer<typeof PendingRequest>;

/** The state of one stage, tagged by stage. */
export const StageState = z.discriminatedUnion("kind", [
  S2AStageState,
  CoveStageState,
  SelfRagStageState,
  BestOfNStageState,
]);
/** The state of one stage. */
export type StageState = z.infer<typeof StageState>;

/** The whole run state (payload of the signed token). */
export const PipelineState = z.object({
  v: z.literal(1),
  /** Number of actions issued so far; request ids start with it. */
  round: z.number().int().min(0),
  pipeline: z.array(Stage).min(1),
  /** Index of the running stage in `pipeline`. */
  stage: z.number().int().min(0),
  options: PipelineOptions,
  /** The current input (after S2A: the rewrite x', the original is gone). */
  question: z.string(),
  /** The answer of the last answering stage. */
  draft: z.string().nullable(),
  pending: z.array(PendingRequest),
  stage_state: StageState.nullable(),
  trace: z.array(TraceEvent),
});
/** The whole run state. */
export type PipelineState = z.infer<typeof PipelineState>;
