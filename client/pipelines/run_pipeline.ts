/**
 * The client driver of the edge step protocol (design.md, "The client-in-the-loop step
 * protocol"): POST /v1/pipelines/start, run each action's requests as ONE engine batch, POST
 * /v1/pipelines/step with the results, until the edge answers with the final output and its
 * trace. Every edge response is zod-parsed; failures are typed (errors.ts).
 *
 * With no stages the driver answers directly with the engine (after the model-free S2A filter
 * when `s2aFilter` is set), so one call serves every combination of the UI toggles.
 *
 * Separate side models: `sideEngines` maps a side role to its engine, and the requests the
 * edge marks with that role run on it as their own batch: `verifier` (best-of-n's learned
 * verifier), `reader` (every Self-RAG request), `cove` (every CoVe request); a role without an
 * engine runs on `engine` like every other request (see run_action.ts). Prover rows keep the
 * seeds the edge gave them.
 *
 * @module
 */
import type { Engine } from "../engine/api.ts";
import type { SpeculativeRequest } from "../engine/speculative/options.ts";
import {
  type ChatMessage,
  type GenerateRequest,
  type PipelineOptionsInput,
  PipelineResponse,
  type Stage,
  type TraceEvent,
} from "../../shared/pipeline.ts";
import { type EdgeConnection, postEdge, throwIfAborted } from "./edge_client.ts";
import { EdgeResponseError } from "./errors.ts";
import { type ActionContext, runAction, type SideEngines } from "./run_action.ts";
import { filterInput } from "./s2a_filter.ts";
import type { Tokenize } from "./score_pieces.ts";

/** Upper bound on start/step round trips of one run (the edge's pipelines need far fewer). */
export const MAX_ROUNDS = 64;
/** Answer budget of a direct (stage-less) answer when the options give none. */
export const DEFAULT_DIRECT_MAX_TOKENS = 256;

/** Progress of a run, for status lines and live stats. */
export type PipelineProgressEvent =
  | { kind: "filter"; kept: number; dropped: number }
  | { kind: "generate"; round: number; ids: string[] }
  | { kind: "generated"; round: number; ms: number }
  | { kind: "final"; rounds: number; ms: number };

/** Arguments of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Origin of the edge, e.g. "http://127.0.0.1:8000" or the page's own origin. */
  readonly edgeUrl: string;
  readonly fetch?: typeof fetch;
  readonly engine: Engine;
  /**
   * Engine of each side role's requests (shared/pipeline.ts SIDE_ROLES), run as their own
   * batch, e.g. `{ reader }` for a model fine-tuned with reflection tokens; a role without one
   * runs on `engine`.
   */
  readonly sideEngines?: SideEngines;
  /**
   * Ordered subset of "s2a", "selfrag", "best_of_n", "cove" (not both "selfrag" and
   * "best_of_n"); empty answers directly.
   */
  readonly pipeline: readonly Stage[];
  readonly messages: readonly ChatMessage[];
  readonly options?: PipelineOptionsInput;
  /** LoRA adapter of every request (sent to the edge as `options.adapter`). */
  readonly adapter?: string;
  /** Speculative decoding of every row (engines with a draft; `{ gamma: 0 }` turns it off). */
  readonly speculative?: SpeculativeRequest;
  /** Run the model-free S2A filter (POST /v1/s2a/filter) on the input first. */
  readonly s2aFilter?: boolean;
  /**
   * The model's tokenizer as token strings; makes the scores of multi-token strings exact
   * (without it the pieces are probed on the engine; see score_pieces.ts).
   */
  readonly tokenize?: Tokenize;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: PipelineProgressEvent) => void;
  /**
   * Deltas of the final answer (sets `options.stream` unless the options say otherwise). When
   * no request of the run streamed, the whole output arrives in one call at the end.
   */
  readonly onToken?: (delta: string) => void;
}

/** The answer of a run and every decision that led to it. */
export interface PipelineRun {
  readonly output: string;
  readonly trace: TraceEvent[];
}

function directRequest(messages: readonly ChatMessage[], o: RunPipelineOptions): GenerateRequest {
  return {
    id: "direct.answer",
    messages: [...messages],
    max_tokens: o.options?.max_tokens ?? DEFAULT_DIRECT_MAX_TOKENS,
    temperature: o.options?.temperature ?? 0,
    stop: [],
    ...(o.adapter !== undefined ? { adapter: o.adapter } : {}),
    stream: true,
  };
}

/** What the two ways of answering share. */
interface RunContext {
  readonly o: RunPipelineOptions;
  readonly conn: EdgeConnection;
  readonly action: ActionContext;
  readonly t0: number;
}

/** No stages: one streamed generation of the (possibly filtered) messages. */
async function directAnswer(
  ctx: RunContext,
  messages: readonly ChatMessage[],
  filtered: boolean,
): Promise<PipelineRun> {
  const { o, t0 } = ctx;
  const request = directRequest(messages, o);
  o.onEvent?.({ kind: "generate", round: 1, ids: [request.id] });
  const [result] = await runAction(ctx.action, [request]);
  const output = result?.text.trim() ?? "";
  o.onEvent?.({ kind: "generated", round: 1, ms: performance.now() - t0 });
  o.onEvent?.({ kind: "final", rounds: 1, ms: performance.now() - t0 });
  const input = messages.at(-1)?.content ?? "";
  return {
    output,
    trace: filtered ? [{ stage: "s2a", event: "answer", data: { input, output } }] : [],
  };
}

/** Start the pipeline at the edge and answer its actions until it is final. */
async function driveEdge(ctx: RunContext, messages: readonly ChatMessage[]): Promise<PipelineRun> {
  const { o, conn, t0 } = ctx;
  const options: PipelineOptionsInput = {
    ...(o.onToken !== undefined ? { stream: true } : {}),
    ...o.options,
    ...(o.adapter !== undefined ? { adapter: o.adapter } : {}),
  };
  let res = await postEdge(conn, "/v1/pipelines/start", {
    pipeline: o.pipeline,
    input: { messages },
    options,
  }, PipelineResponse);
  for (let round = 1;; round++) {
    if ("final" in res) {
      o.onEvent?.({ kind: "final", rounds: round - 1, ms: performance.now() - t0 });
      return res.final;
    }
    if (round > MAX_ROUNDS) {
      throw new EdgeResponseError(
        `Cannot finish the pipeline as it must end within ${MAX_ROUNDS} rounds: the edge kept asking`,
      );
    }
    // v1 edges send one action; several would be independent batches, run in order.
    const started = performance.now();
    o.onEvent?.({
      kind: "generate",
      round,
      ids: res.actions.flatMap((a) => a.requests.map((r) => r.id)),
    });
    const results = [];
    for (const action of res.actions) results.push(...await runAction(ctx.action, action.requests));
    o.onEvent?.({ kind: "generated", round, ms: performance.now() - started });
    throwIfAborted(o.signal);
    const body = { state: res.state, results };
    res = await postEdge(conn, "/v1/pipelines/step", body, PipelineResponse);
  }
}

/**
 * Run a pipeline to its final answer.
 *
 * @example
 * ```ts
 * const { output, trace } = await runPipeline({
 *   edgeUrl: location.origin, engine, pipeline: ["selfrag", "cove"],
 *   messages: [{ role: "user", content: "Where does Ada live?" }],
 *   onToken: (d) => answerEl.append(d),
 * });
 * ```
 */
export async function runPipeline(o: RunPipelineOptions): Promise<PipelineRun> {
  const conn: EdgeConnection = {
    edgeUrl: o.edgeUrl,
    ...(o.fetch !== undefined ? { fetch: o.fetch } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
  };
  let streamed = false;
  const onToken = o.onToken;
  const action: ActionContext = {
    engine: o.engine,
    ...(o.speculative !== undefined ? { speculative: o.speculative } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.tokenize !== undefined ? { tokenize: o.tokenize } : {}),
    ...(o.sideEngines !== undefined ? { sideEngines: o.sideEngines } : {}),
    ...(onToken !== undefined ? { onToken: (d: string) => (streamed = true, onToken(d)) } : {}),
  };
  const ctx: RunContext = { o, conn, action, t0: performance.now() };
  let messages = [...o.messages];
  const before: TraceEvent[] = [];
  if (o.s2aFilter === true) {
    const filtered = await filterInput(conn, messages);
    messages = filtered.messages;
    before.push(filtered.event);
    o.onEvent?.({ kind: "filter", kept: filtered.kept, dropped: filtered.dropped });
  }
  const run = o.pipeline.length === 0
    ? await directAnswer(ctx, messages, o.s2aFilter === true)
    : await driveEdge(ctx, messages);
  // When no request streamed (e.g. Self-RAG's answer is picked from the beam), the caller
  // still gets the answer through onToken, once, at the end.
  if (!streamed && run.output !== "") onToken?.(run.output);
  return { output: run.output, trace: [...before, ...run.trace] };
}
