/**
 * Producing one answer: either a streamed chat completion from the engine, or a pipeline run
 * through the edge (when a pipeline toggle is on). Measures time to first token and tokens/s,
 * reads draft acceptance from `usage.completion_tokens_details` and gamma from engine stats.
 *
 * @module
 */
import type { ChatMessage, Engine, EngineStats, Usage } from "../../engine/api.ts";
import { GenerationAbortedError } from "../../engine/errors.ts";
import type { SpeculativeRequest } from "../../engine/speculative/options.ts";
import type { AnswerStats, ConversationSettings } from "../conversations/conversation_db.ts";

/** The pipelines as the chat sees them (wired in main.ts from client/pipelines and ui/trace). */
export interface PipelineBridge {
  /** True when any pipeline toggle is on in these settings. */
  isActive(settings: unknown): boolean;
  /** Run the pipelines for `messages`; streamed tokens of the final answer go to onToken. */
  run(args: {
    readonly engine: Engine;
    readonly messages: ChatMessage[];
    readonly settings: unknown;
    readonly options: { readonly max_tokens: number; readonly temperature: number };
    readonly adapter?: string;
    readonly signal: AbortSignal;
    readonly onToken: (delta: string) => void;
  }): Promise<{
    output: string;
    trace: unknown;
    /** Decode work of side engines (verifier, reader) during the run, for the live stats. */
    sideDecode?: { readonly tokens: number; readonly ms: number };
  }>;
  /** The collapsible trace panel of an answer. */
  renderTrace(trace: unknown, answer: string): HTMLElement;
  /** Speculative options of a plain chat request for these settings (undefined: none). */
  speculative(settings: unknown): SpeculativeRequest | undefined;
  /** Render the toggles into `root`; onChange gets the new settings. */
  mountToggles(
    root: HTMLElement,
    initial: unknown,
    onChange: (settings: unknown) => void,
  ): { set(settings: unknown): void };
}

/** The outcome of one answer. */
export interface AnswerResult {
  readonly text: string;
  readonly finish: "stop" | "length";
  readonly stats: AnswerStats;
  readonly trace?: unknown;
}

/** What {@link produceAnswer} needs. */
export interface AnswerInput {
  readonly engine: Engine;
  readonly ep: string;
  readonly messages: ChatMessage[];
  readonly settings: ConversationSettings;
  readonly signal: AbortSignal;
  readonly onToken: (delta: string) => void;
  readonly pipelines?: PipelineBridge;
}

/** Mean draft length per round between two stats snapshots, or null without speculation. */
export function meanGamma(before: EngineStats | undefined, after: EngineStats | undefined) {
  const a = before?.speculative;
  const b = after?.speculative;
  if (a === undefined || b === undefined) return null;
  const rounds = (after?.decodeSteps ?? 0) - (before?.decodeSteps ?? 0);
  return rounds > 0 ? (b.draftSteps - a.draftSteps) / rounds : null;
}

/** Acceptance rate of draft tokens in a usage block, or null without speculation. */
export function acceptanceRate(usage: Usage | undefined): number | null {
  const d = usage?.completion_tokens_details;
  if (d === undefined) return null;
  const proposed = d.accepted_prediction_tokens + d.rejected_prediction_tokens;
  return proposed > 0 ? d.accepted_prediction_tokens / proposed : null;
}

/** Generate one answer, streaming tokens to `input.onToken`. */
export async function produceAnswer(input: AnswerInput): Promise<AnswerResult> {
  const { engine, settings, signal } = input;
  const t0 = performance.now();
  let tFirst: number | undefined;
  let text = "";
  const onToken = (d: string) => {
    if (d === "") return;
    tFirst ??= performance.now();
    text += d;
    input.onToken(d);
  };
  const before = await engine.stats().catch(() => undefined);
  // A signal aborted before the call never fires its abort event across the worker.
  if (signal.aborted) throw new GenerationAbortedError();
  let usage: Usage | undefined;
  let finish: "stop" | "length" = "stop";
  let trace: unknown;
  let side = { tokens: 0, ms: 0 }; // decode work of side engines (pipelines only)
  const adapter = settings.adapter ?? undefined;
  if (input.pipelines?.isActive(settings.pipeline) === true) {
    const out = await input.pipelines.run({
      engine,
      messages: input.messages,
      settings: settings.pipeline,
      options: { max_tokens: settings.maxTokens, temperature: settings.temperature },
      ...(adapter !== undefined ? { adapter } : {}),
      signal,
      onToken,
    });
    trace = out.trace;
    side = out.sideDecode ?? side;
    if (text === "") onToken(out.output);
    text = out.output;
  } else {
    const speculative = input.pipelines?.speculative(settings.pipeline);
    const stream = await engine.chat.completions.create({
      ...(speculative !== undefined ? { speculative } : {}),
      messages: input.messages,
      stream: true,
      max_tokens: settings.maxTokens,
      temperature: settings.temperature,
      ...(adapter !== undefined ? { adapter } : {}),
    }, { signal });
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        onToken(choice.delta.content ?? "");
        if (choice.finish_reason !== null) finish = choice.finish_reason;
      }
      if (chunk.usage !== undefined) usage = chunk.usage;
    }
  }
  const tEnd = performance.now();
  const after = await engine.stats().catch(() => undefined);
  // Pipelines report no usage: count the tokens the engines decoded meanwhile (every row, the
  // side engines' too).
  const tokens = usage?.completion_tokens ??
    Math.max(0, (after?.decodeTokens ?? 0) - (before?.decodeTokens ?? 0)) + side.tokens;
  // A plain answer: decode rate after the first token, as seen on the page. A pipeline (its
  // answer may arrive in one piece at the end): the engine's decode rate over all its rows.
  const decodeMs = (after?.decodeMs ?? 0) - (before?.decodeMs ?? 0) + side.ms;
  const rate = trace !== undefined
    ? (decodeMs > 0 ? tokens / (decodeMs / 1000) : null)
    : tFirst !== undefined && tokens > 1 && tEnd > tFirst
    ? (tokens - 1) / ((tEnd - tFirst) / 1000)
    : null;
  const stats: AnswerStats = {
    completionTokens: tokens,
    ttftMs: tFirst === undefined ? null : tFirst - t0,
    tokensPerSecond: rate,
    totalMs: tEnd - t0,
    acceptanceRate: acceptanceRate(usage),
    gamma: meanGamma(before, after),
    ep: input.ep,
  };
  return { text, finish, stats, ...(trace !== undefined ? { trace } : {}) };
}
