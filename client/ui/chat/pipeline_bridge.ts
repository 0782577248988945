/**
 * Connects the chat to the pipelines: the toggles (client/ui/trace/pipeline_toggles.ts), the
 * step-protocol driver (client/pipelines/run_pipeline.ts) against the page's own origin (the
 * edge is served by the same server), and the trace panel (client/ui/trace/render_trace.ts).
 * Speculative decoding alone is not a pipeline: it runs as a plain streamed chat completion
 * with `speculative` set, so its acceptance figures come back in `usage`.
 *
 * @module
 */
import type { SpeculativeRequest } from "../../engine/speculative/options.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { runPipeline } from "../../pipelines/run_pipeline.ts";
import {
  defaultPipelineSettings,
  PipelineSettings,
  renderPipelineToggles,
  toPipelineRequest,
} from "../trace/pipeline_toggles.ts";
import { renderTrace } from "../trace/render_trace.ts";
import type { PipelineBridge } from "./answer.ts";

/** Settings of a conversation's pipeline field; defaults for null or a foreign shape. */
export function pipelineSettingsOf(value: unknown): PipelineSettings {
  const parsed = PipelineSettings.safeParse(value);
  return parsed.success ? parsed.data : defaultPipelineSettings;
}

/** The speculative request of plain chat for these settings (gamma 0 when off). */
export function speculativeOf(value: unknown): SpeculativeRequest {
  return toPipelineRequest(pipelineSettingsOf(value)).speculative;
}

/**
 * The bridge used by the chat. `hasDraft` tells whether the loaded engine can speculate.
 *
 * @example
 * ```ts
 * const bridge = createPipelineBridge(location.origin, () => engineHasDraft);
 * ```
 */
export function createPipelineBridge(edgeUrl: string, hasDraft: () => boolean): PipelineBridge {
  return {
    isActive(value) {
      const r = toPipelineRequest(pipelineSettingsOf(value));
      return r.pipeline.length > 0 || r.s2aFilter;
    },
    speculative(value) {
      return hasDraft() ? speculativeOf(value) : undefined;
    },
    async run(args) {
      const r = toPipelineRequest(pipelineSettingsOf(args.settings));
      const spec = hasDraft() ? r.speculative : undefined;
      const out = await runPipeline({
        edgeUrl,
        engine: args.engine,
        pipeline: r.pipeline,
        // The chat stores only system, user and assistant turns.
        messages: args.messages.flatMap((m) =>
          m.role === "tool" ? [] : [{ role: m.role, content: m.content }]
        ),
        options: { ...r.options, ...args.options },
        s2aFilter: r.s2aFilter,
        ...(spec !== undefined ? { speculative: spec } : {}),
        ...(args.adapter !== undefined ? { adapter: args.adapter } : {}),
        signal: args.signal,
        onToken: args.onToken,
      });
      return { output: out.output, trace: out.trace };
    },
    renderTrace(trace, answer) {
      return renderTrace(Array.isArray(trace) ? trace as TraceEvent[] : [], answer);
    },
    mountToggles(root, initial, onChange) {
      const toggles = renderPipelineToggles(root, pipelineSettingsOf(initial), onChange, {
        ...(hasDraft() ? {} : {
          speculativeUnavailable: "(load a draft model in the Models tab to speculate)",
        }),
      });
      return { set: (v: unknown) => toggles.set(pipelineSettingsOf(v)) };
    },
  };
}
