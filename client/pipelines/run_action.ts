/**
 * Runs one "generate" action of the step protocol on the engine: every request of the action
 * (and the teacher-forced rows of multi-token score strings) goes into ONE `engine.generate`
 * batch. The request marked `stream: true` is the run's final answer: when it is alone in its
 * action and is a chat request asking for no scores, it runs through
 * `engine.chat.completions.create` with `stream: true` so its tokens reach `onToken` as they
 * are generated; otherwise (a raw prompt, which the chat API cannot take, or scores asked with
 * it) its text reaches `onToken` in one piece when the batch ends, because `engine.generate`
 * does not stream rows.
 *
 * Side engines: `sideEngines` maps a side role ({@link SIDE_ROLES}) to its engine: the requests
 * marked with that role run on it, e.g. `role: "verifier"` (best-of-n's learned verifier),
 * `role: "reader"` (Self-RAG's generator: gate, segments, critiques) or `role: "cove"` (every
 * CoVe request). Each side engine gets its requests as their own batch, after the batch of the
 * other requests on the main engine (in {@link SIDE_ROLES} order); results come back in request
 * order either way. Side rows get no speculative setting (a side engine may have no draft) and
 * their score strings are split on the side engine itself (`tokenize` is the main model's
 * tokenizer). A role without an engine runs on the main engine; with no side engine every
 * request runs there in ONE batch.
 *
 * @module
 */
import type { Engine, GenerateResult } from "../engine/api.ts";
import { GenerationAbortedError } from "../engine/errors.ts";
import type { SpeculativeRequest } from "../engine/speculative/options.ts";
import type { GenerateRequest, StepResult } from "../../shared/pipeline.ts";
import { MAX_RESULT_CHARS, SIDE_ROLES, type SideRole } from "../../shared/pipeline.ts";
import { planRows, readResult } from "./action_rows.ts";
import { throwIfAborted } from "./edge_client.ts";
import { PipelineAbortedError } from "./errors.ts";
import { resolvePieces, type Tokenize } from "./score_pieces.ts";

/** What running an action needs. */
export interface ActionContext {
  readonly engine: Engine;
  readonly speculative?: SpeculativeRequest;
  readonly signal?: AbortSignal;
  readonly onToken?: (delta: string) => void;
  /** The model's tokenizer, for exact multi-token score strings (see score_pieces.ts). */
  readonly tokenize?: Tokenize;
  /** Engine of each side role's requests; a role without one runs on `engine`. */
  readonly sideEngines?: SideEngines;
}

/** The engines of the side roles, where set (absent: that role runs on the main engine). */
export type SideEngines = Readonly<Partial<Record<SideRole, Engine>>>;

/** The side role that runs `r` on its own engine, or undefined: the main engine. */
function routeOf(r: GenerateRequest, engines: SideEngines): SideRole | undefined {
  const role = SIDE_ROLES.find((s) => s === r.role);
  return role !== undefined && engines[role] !== undefined ? role : undefined;
}

/** True when the request can stream through the chat API. */
function streamsAsChat(requests: readonly GenerateRequest[]): boolean {
  const [r] = requests;
  return requests.length === 1 && r !== undefined && r.stream === true &&
    r.messages !== undefined && r.messages.length > 0 && r.max_tokens > 0 &&
    r.score_tokens === undefined && r.logprobs !== true && r.stop.length <= 4;
}

async function streamChat(ctx: ActionContext, r: GenerateRequest): Promise<StepResult> {
  const stop = r.stop.filter((s) => s !== "");
  const chunks = await ctx.engine.chat.completions.create({
    messages: r.messages ?? [],
    stream: true,
    max_tokens: r.max_tokens,
    temperature: r.temperature,
    ...(stop.length > 0 ? { stop } : {}),
    ...(r.adapter !== undefined ? { adapter: r.adapter } : {}),
    ...(ctx.speculative !== undefined ? { speculative: ctx.speculative } : {}),
  }, ctx.signal !== undefined ? { signal: ctx.signal } : undefined);
  let text = "";
  for await (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta === undefined || delta === "") continue;
    text += delta;
    ctx.onToken?.(delta);
  }
  return { id: r.id, text: text.slice(0, MAX_RESULT_CHARS) };
}

/** Abort errors of the engine (or of the signal) become PipelineAbortedError. */
export function asAbort(err: unknown, signal: AbortSignal | undefined): unknown {
  if (err instanceof GenerationAbortedError || signal?.aborted === true) {
    return err instanceof PipelineAbortedError ? err : new PipelineAbortedError(undefined, {
      cause: err,
    });
  }
  return err;
}

/**
 * Run the requests of one action and return one step result per request, in order.
 *
 * @example
 * ```ts
 * const results = await runAction({ engine }, action.requests);
 * await post("/v1/pipelines/step", { state, results });
 * ```
 */
export async function runAction(
  ctx: ActionContext,
  requests: readonly GenerateRequest[],
): Promise<StepResult[]> {
  throwIfAborted(ctx.signal);
  const engines = ctx.sideEngines ?? {};
  const routes = requests.map((r) => routeOf(r, engines));
  if (routes.every((r) => r === undefined)) return await runBatch(ctx, requests);
  const out: (StepResult | undefined)[] = requests.map(() => undefined);
  // One batch per engine, one after the other: two in-process engines run at once (one
  // onnxruntime-web wasm runtime) were seen to fail with "OrtRun(): output name cannot be empty".
  for (const route of [undefined, ...SIDE_ROLES]) {
    const at = routes.flatMap((r, i) => (r === route ? [i] : []));
    if (at.length === 0) continue;
    throwIfAborted(ctx.signal);
    const side = route === undefined ? undefined : engines[route];
    const batchCtx: ActionContext = side === undefined ? ctx : {
      engine: side,
      ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      ...(ctx.onToken !== undefined ? { onToken: ctx.onToken } : {}),
    };
    const results = await runBatch(batchCtx, at.map((i) => requests[i] as GenerateRequest));
    // runBatch answers its requests one to one, in order: put them back in request order.
    for (const [k, i] of at.entries()) out[i] = results[k];
  }
  return out as StepResult[];
}

/** Run `requests` on `ctx.engine` as ONE batch (or one streamed chat completion). */
async function runBatch(
  ctx: ActionContext,
  requests: readonly GenerateRequest[],
): Promise<StepResult[]> {
  try {
    if (streamsAsChat(requests)) return [await streamChat(ctx, requests[0] as GenerateRequest)];
    const scoreStrings = requests.flatMap((r) => r.score_tokens ?? []);
    const pieces = scoreStrings.length === 0
      ? new Map<string, readonly string[]>()
      : await resolvePieces(ctx.engine, scoreStrings, ctx.signal, ctx.tokenize);
    const settings = ctx.speculative !== undefined ? { speculative: ctx.speculative } : {};
    const plans = requests.map((r) => planRows(r, (t) => pieces.get(t) ?? [t], settings));
    const results = await ctx.engine.generate(
      plans.flatMap((p) => p.rows),
      ctx.signal !== undefined ? { signal: ctx.signal } : undefined,
    );
    const byId = new Map<string, GenerateResult>(results.map((r) => [r.id, r]));
    const out = plans.map((p) => readResult(p, byId));
    for (const [i, r] of requests.entries()) {
      const text = out[i]?.text ?? "";
      if (r.stream === true && text !== "") ctx.onToken?.(text);
    }
    return out;
  } catch (err) {
    throw asAbort(err, ctx.signal);
  }
}
