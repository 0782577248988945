/**
 * A direct answer with Quiet-STaR thinking: one streamed chat completion whose request carries
 * `thinking` (client/engine/thinking/options.ts), and the record the trace panel shows, built
 * from the engine's `thinking` stats on the finishing chunk and the response's usage. The
 * record is what the conversation stores as the message's trace.
 *
 * @module
 */
import type {
  ChatCompletionRequest,
  ChatMessage,
  Engine,
  FinishReason,
  Usage,
} from "../../engine/api.ts";
import type { SpeculativeRequest } from "../../engine/speculative/options.ts";
import type { ThinkingRequest } from "../../engine/thinking/options.ts";
import type { ThinkingStats } from "../../engine/thinking/stats.ts";
import type { ThinkingTrace } from "../trace/thinking_view.ts";

/** What {@link buildThinkingRequest} needs. */
export interface ThinkingAnswerInput {
  readonly messages: readonly ChatMessage[];
  readonly thinking: ThinkingRequest;
  readonly options: { readonly max_tokens: number; readonly temperature: number };
  readonly adapter?: string | undefined;
  /** `{ gamma: 0 }` on an engine with a draft (the engine refuses thinking with one anyway). */
  readonly speculative?: SpeculativeRequest | undefined;
}

/**
 * The streamed chat completion request of a thinking answer.
 *
 * @example
 * ```ts
 * buildThinkingRequest({ messages, thinking: { k: 2, t: 8, w: 0 }, options: { max_tokens: 32, temperature: 0 } });
 * ```
 */
export function buildThinkingRequest(
  input: ThinkingAnswerInput,
): ChatCompletionRequest & { stream: true } {
  return {
    messages: input.messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    max_tokens: input.options.max_tokens,
    temperature: input.options.temperature,
    thinking: input.thinking,
    ...(input.speculative !== undefined ? { speculative: input.speculative } : {}),
    ...(input.adapter !== undefined ? { adapter: input.adapter } : {}),
  };
}

/**
 * Run a thinking answer, streaming its text to `onToken`; resolves with the text and the trace.
 *
 * @example
 * ```ts
 * const { output, trace } = await runThinkingAnswer(engine, input, { signal, onToken });
 * ```
 */
export async function runThinkingAnswer(
  engine: Engine,
  input: ThinkingAnswerInput,
  io: { readonly signal: AbortSignal; readonly onToken: (delta: string) => void },
): Promise<{ output: string; trace: ThinkingTrace }> {
  const stream = await engine.chat.completions.create(buildThinkingRequest(input), {
    signal: io.signal,
  });
  let output = "";
  let stats: ThinkingStats | undefined;
  let usage: Usage | undefined;
  let finish: FinishReason | null = null;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      const delta = choice.delta.content ?? "";
      output += delta;
      if (delta !== "") io.onToken(delta);
      if (choice.finish_reason !== null) finish = choice.finish_reason;
      if (choice.thinking !== undefined) stats = choice.thinking;
    }
    if (chunk.usage !== undefined) usage = chunk.usage;
  }
  const trace: ThinkingTrace = {
    kind: "thinking",
    request: { ...input.thinking },
    ...(stats !== undefined ? { stats } : {}),
    ...(usage !== undefined ? { usage } : {}),
    finish_reason: finish,
  };
  return { output, trace };
}
