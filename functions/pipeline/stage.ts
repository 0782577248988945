/**
 * What a pipeline stage is: a small state machine that asks the client for batches of
 * generations and finally hands the next stage a question and a draft answer.
 *
 * @module
 */
import type {
  ChatMessage,
  GenerateRequest,
  PipelineOptions,
  Stage,
  StepResult,
} from "../../shared/pipeline.ts";
import type { Retriever } from "../retrieval/retriever.ts";

/** One recorded decision, before the runner stamps the stage name on it. */
export interface StageEvent {
  event: string;
  data: Record<string, unknown>;
}

/** How a request is phrased: completion text or chat messages. */
export type RequestBody = { prompt: string } | { messages: ChatMessage[] };

/** Per-request settings a stage chooses. */
export interface RequestSettings {
  max_tokens: number;
  stop?: string[];
  score_tokens?: readonly string[];
  logprobs?: boolean;
  stream?: boolean;
  /** Overrides the run's temperature for this request (best-of-n samples its candidates). */
  temperature?: number;
  seed?: number;
  /** "verifier" requests may be routed to a verifier model and carry no adapter. */
  role?: "prover" | "verifier";
}

/** Builds requests with run-unique ids and the run's temperature and adapter. */
export type RequestFactory = (
  tag: string,
  body: RequestBody,
  settings: RequestSettings,
) => GenerateRequest;

/** What a stage sees of the run. */
export interface StageEnv {
  /** The current input: the user's question, or S2A's rewrite x' (the original is gone). */
  question: string;
  /** The answer produced by an earlier stage, if any. */
  draft: string | null;
  /** True for the last stage: its final request may stream. */
  isLast: boolean;
  options: PipelineOptions;
  retriever: Retriever;
  /** Build a request of the round about to be asked. */
  request: RequestFactory;
  /** The id a request tagged `tag` got in the round being answered. */
  pendingId: (tag: string) => string;
}

/** A stage either asks for generations or is done. */
export type StageOutcome<S> =
  | { kind: "ask"; state: S; requests: GenerateRequest[]; events: StageEvent[] }
  | { kind: "done"; question: string; draft: string | null; events: StageEvent[] };

/** A pipeline stage. `state` is the stage's own, as it returned it (validated by the runner). */
export interface StageMachine<S> {
  name: Stage;
  start(env: StageEnv): Promise<StageOutcome<S>>;
  step(env: StageEnv, state: S, results: ReadonlyMap<string, StepResult>): Promise<StageOutcome<S>>;
}

/** The result for `id`; the runner guarantees every pending id has one. */
export function resultFor(results: ReadonlyMap<string, StepResult>, id: string): StepResult {
  const r = results.get(id);
  if (r === undefined) throw new Error(`Cannot read result '${id}': it is not pending`);
  return r;
}
