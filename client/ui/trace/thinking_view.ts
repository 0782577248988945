/**
 * The trace panel of a direct answer with Quiet-STaR thinking: how w was set (fixed or
 * entropy-gated: "untrained"; the mixing head: "trained"), the cost per emitted token (thought
 * tokens, forward passes, thought wall time) and in total, the check that the output holds
 * only emitted tokens (thoughts ran as extra batch rows and were dropped), and, when the
 * engine returned one, the per-step table of base entropy, w and thought token ids.
 *
 * @module
 */
import { z } from "zod";
import { FinishReason, Usage } from "../../engine/api.ts";
import { ThinkingStats } from "../../engine/thinking/stats.ts";
import { type Build, builder, fmt } from "./dom.ts";

/** The trace of a thinking answer as the conversation stores it. */
export const ThinkingTrace = z.object({
  kind: z.literal("thinking"),
  /** The `thinking` field the request carried. */
  request: z.record(z.string(), z.unknown()),
  /** The engine's report; absent when the answer was cut before its finishing chunk. */
  stats: ThinkingStats.optional(),
  usage: Usage.optional(),
  finish_reason: FinishReason.nullable(),
});
/** The trace of a thinking answer as the conversation stores it. */
export type ThinkingTrace = z.infer<typeof ThinkingTrace>;

/** Steps listed in the per-step table (the rest are counted). */
export const MAX_TRACE_ROWS = 64;

/** "K = 2, t = 8, w = 0.5 (fixed, untrained)" for a report. */
export function thinkingHeadline(s: ThinkingStats, request: Record<string, unknown>): string {
  const w = s.w_source === "fixed"
    ? `w = ${typeof request.w === "number" ? request.w : fmt(s.mean_w)} (fixed, ${s.w_label})`
    : s.w_source === "entropy"
    ? `w entropy-gated, mean ${fmt(s.mean_w)} (${s.w_label})`
    : `w from the mixing head, mean ${fmt(s.mean_w)} (${s.w_label})`;
  return `K = ${s.k}, t = ${s.t}, ${w}`;
}

/**
 * Whether the output holds only emitted tokens: the completion's token count equals the
 * emitted tokens the thinking rows report (thought tokens are counted apart), or null when
 * the response carried no usage.
 */
export function outputIsThoughtFree(trace: ThinkingTrace): boolean | null {
  if (trace.stats === undefined || trace.usage === undefined) return null;
  return trace.usage.completion_tokens === trace.stats.emitted_tokens;
}

function costTable(h: Build, s: ThinkingStats): HTMLElement {
  const row = (label: string, key: string, perToken: string, total: string) =>
    h(
      "tr",
      { "data-cost": key },
      h("th", { scope: "row" }, label),
      h("td", { "data-per-token": key }, perToken),
      h("td", {}, total),
    );
  return h(
    "table",
    { class: "trace-thinking-cost" },
    h("caption", {}, "Cost of thinking"),
    h(
      "thead",
      {},
      h("tr", {}, ...["", "Per emitted token", "Total"].map((t) => h("th", { scope: "col" }, t))),
    ),
    h(
      "tbody",
      {},
      row(
        "Thought tokens",
        "thought_tokens",
        fmt(s.per_token.thought_tokens, 2),
        String(s.thought_tokens),
      ),
      row(
        "Forward passes",
        "forward_passes",
        fmt(s.per_token.forward_passes, 2),
        String(s.forward_passes),
      ),
      row("Thought time (ms)", "thought_ms", fmt(s.per_token.thought_ms, 1), fmt(s.thought_ms, 1)),
    ),
  );
}

function stepsTable(h: Build, s: ThinkingStats): HTMLElement | null {
  const steps = s.trace ?? [];
  if (steps.length === 0) return null;
  const shown = steps.slice(0, MAX_TRACE_ROWS);
  return h(
    "table",
    { class: "trace-thinking-steps" },
    h(
      "caption",
      {},
      `Per emitted token${
        steps.length > shown.length ? ` (first ${shown.length} of ${steps.length})` : ""
      }`,
    ),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["#", "Base entropy (nats)", "w", "Thought", "Thought token ids"].map((t) =>
          h("th", { scope: "col" }, t)
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...shown.map((step) =>
        h(
          "tr",
          {},
          h("td", {}, String(step.index + 1)),
          h("td", {}, fmt(step.entropy)),
          h("td", {}, fmt(step.w)),
          h("td", {}, step.thought ? "yes" : "skipped"),
          h(
            "td",
            { class: "trace-thought-ids" },
            step.thoughts.map((ids) => `[${ids.join(" ")}]`).join(" "),
          ),
        )
      ),
    ),
  );
}

function outputLine(h: Build, trace: ThinkingTrace, s: ThinkingStats): HTMLElement {
  const free = outputIsThoughtFree(trace);
  const text = free === null
    ? `Output: ${s.emitted_tokens} emitted tokens; ${s.thought_tokens} thought tokens ran in separate rows.`
    : free
    ? `Thought tokens in the output: none. The output is the ${s.emitted_tokens} emitted tokens; the ${s.thought_tokens} thought tokens ran as ${s.k} extra batch rows per thinking step and were dropped.`
    : `The output counts ${trace.usage?.completion_tokens} tokens but the thinking rows report ${s.emitted_tokens} emitted tokens.`;
  return h("p", { class: "trace-thinking-output", "data-thought-free": String(free) }, text);
}

/**
 * Render the trace of a thinking answer as a collapsed <details> panel.
 *
 * @example
 * ```ts
 * messageEl.append(renderThinkingTrace(trace));
 * ```
 */
export function renderThinkingTrace(
  trace: ThinkingTrace,
  doc: Document = globalThis.document,
): HTMLElement {
  const h = builder(doc);
  const s = trace.stats;
  const summary = s === undefined
    ? "Trace: thinking (no report: the answer ended early)"
    : `Trace: thinking, ${fmt(s.per_token.forward_passes, 2)} forward passes per emitted token`;
  return h(
    "details",
    { class: "trace trace-thinking", "data-w-label": s?.w_label ?? "" },
    h("summary", {}, summary),
    s === undefined ? null : h(
      "section",
      { class: "trace-thinking-report" },
      h("h4", {}, "Quiet-STaR thinking"),
      h(
        "p",
        { class: "trace-thinking-headline" },
        `${
          thinkingHeadline(s, trace.request)
        }; thought at ${s.thinking_steps} of ${s.emitted_tokens} emitted tokens.`,
      ),
      costTable(h, s),
      outputLine(h, trace, s),
      stepsTable(h, s),
    ),
  );
}
