/**
 * Model-free S2A on the client side of a run: the last user message goes through the edge's
 * POST /v1/s2a/filter, and its kept context and question REPLACE it (S2A discards the original
 * input; Weston & Sukhbaatar 2023). The decision is recorded as an "s2a" trace event "filter"
 * so the trace view shows it like the LLM rewrite.
 *
 * @module
 */
import type { ChatMessage, TraceEvent } from "../../shared/pipeline.ts";
import { S2AFilterResponse } from "../../shared/s2a.ts";
import { type EdgeConnection, postEdge } from "./edge_client.ts";

/** The filtered messages and the trace event that records the filter's decision. */
export interface FilteredInput {
  readonly messages: ChatMessage[];
  readonly event: TraceEvent;
  /** Sentences kept and dropped by the filter. */
  readonly kept: number;
  readonly dropped: number;
}

/**
 * The text that replaces the input: kept context, then the question (the same layout as the
 * edge's LLM rewrite, functions/s2a/prompts.ts rewrittenInput).
 */
export function filteredText(context: string, question: string): string {
  return [context.trim(), question.trim()].filter((p) => p !== "").join("\n\n");
}

/**
 * Filter the last non-empty user message through the edge.
 *
 * @example
 * ```ts
 * const { messages, event } = await filterInput({ edgeUrl }, [
 *   { role: "user", content: "I think it is 5. Tom has 3 apples. How many apples?" },
 * ]);
 * ```
 */
export async function filterInput(
  conn: EdgeConnection,
  messages: readonly ChatMessage[],
): Promise<FilteredInput> {
  let at = -1;
  messages.forEach((m, i) => {
    if (m.role === "user" && m.content.trim() !== "") at = i;
  });
  const original = messages[at]?.content ?? "";
  const res = await postEdge(conn, "/v1/s2a/filter", { text: original }, S2AFilterResponse);
  // When the filter keeps nothing, the original stays: an empty input cannot be answered.
  const rewritten = filteredText(res.context, res.question) || original;
  return {
    messages: messages.map((m, i) => i === at ? { ...m, content: rewritten } : m),
    kept: res.kept.length,
    dropped: res.dropped.length,
    event: {
      stage: "s2a",
      event: "filter",
      data: {
        original,
        context: res.context,
        question: res.question,
        kept: res.kept,
        dropped: res.dropped,
        rewritten,
      },
    },
  };
}
