/**
 * Connects the chat to the pipelines: the toggles (client/ui/trace/pipeline_toggles.ts), the
 * step-protocol driver (client/pipelines/run_pipeline.ts) against the page's own origin (the
 * edge is served by the same server), and the trace panel (client/ui/trace/render_trace.ts).
 * Speculative decoding alone is not a pipeline: it runs as a plain streamed chat completion
 * with `speculative` set, so its acceptance figures come back in `usage`. Quiet-STaR thinking
 * (on only while no stage is) runs here too, as a streamed chat completion with `thinking`
 * (./thinking_answer.ts), so that its report is kept as the message's trace.
 *
 * Side models (./side_models.ts, one per side role, asked for through `sideEngine(role)`):
 * best-of-n whose verifier setting asks for the learned score ("learned", "both") scores its
 * candidates on the page's learned verifier model when the loaded model's folder has one
 * (./verifier_engine.ts), else with the verifier prompt on the chat model; the candidates
 * event of the trace then records which (`scored_by`). Self-RAG (gate, segments, critiques)
 * and CoVe (baseline, plan, verifications, cross-checks, final) run their requests on the
 * page's reader / CoVe model when the loaded model's folder has one and no adapter is selected
 * (./generator_engine.ts), else on the chat model; a "generator" event of the stage's trace
 * then records which (`generated_by`).
 *
 * @module
 */
import type { Engine, EngineInfo } from "../../engine/api.ts";
import type { SideEngines } from "../../pipelines/run_action.ts";
import type { SpeculativeRequest } from "../../engine/speculative/options.ts";
import type { ThinkingRequest } from "../../engine/thinking/options.ts";
import type { SideRole, TraceEvent } from "../../../shared/pipeline.ts";
import { runPipeline } from "../../pipelines/run_pipeline.ts";
import {
  defaultPipelineSettings,
  PipelineSettings,
  renderPipelineToggles,
  toPipelineRequest,
} from "../trace/pipeline_toggles.ts";
import { renderTrace } from "../trace/render_trace.ts";
import { type ThinkingSupport, toThinkingRequest } from "../trace/thinking_settings.ts";
import { renderThinkingTrace, ThinkingTrace } from "../trace/thinking_view.ts";
import type { PipelineBridge } from "./answer.ts";
import { runThinkingAnswer } from "./thinking_answer.ts";
import { generatorEngines, markGenerators, stageGenerators } from "./generator_engine.ts";
import { measureDecode } from "./side_engine.ts";
import { learnedScorer, type Scorer, usesLearnedVerifier } from "./verifier_engine.ts";

/** Settings of a conversation's pipeline field; defaults for null or a foreign shape. */
export function pipelineSettingsOf(value: unknown): PipelineSettings {
  const parsed = PipelineSettings.safeParse(value);
  return parsed.success ? parsed.data : defaultPipelineSettings;
}

/** The speculative request of plain chat for these settings (gamma 0 when off). */
export function speculativeOf(value: unknown): SpeculativeRequest {
  return toPipelineRequest(pipelineSettingsOf(value)).speculative;
}

/** The `thinking` request of a direct answer for these settings (undefined: thinking off). */
export function thinkingOf(value: unknown): ThinkingRequest | undefined {
  return toThinkingRequest(pipelineSettingsOf(value).thinking);
}

/** What the engine info says about thinking (EngineInfo `thinking`; empty when it says nothing). */
export function thinkingSupportOf(info: EngineInfo | undefined): ThinkingSupport {
  const t = info?.thinking;
  return t === undefined ? {} : { markers: t.markers, mixingHead: t.mixing_head };
}

/** Why thinking cannot run on the loaded engine, or undefined when it can (or nothing is loaded). */
export function thinkingUnavailable(
  support: ThinkingSupport,
  hasDraft: boolean,
): string | undefined {
  if (hasDraft) {
    return "(not with a draft model loaded: the engine cannot think and speculate at once)";
  }
  if (support.markers === false) {
    return "(the loaded model's tokenizer has no <|startofthought|> / <|endofthought|> tokens)";
  }
  return undefined;
}

/** Optional parts of {@link createPipelineBridge}. */
export interface PipelineBridgeDeps {
  /**
   * The side model of `role` for the loaded model, loaded on first use (undefined: the model's
   * folder has none). Called for "verifier" only by best-of-n runs whose verifier uses the
   * learned score, for "reader" / "cove" only by Self-RAG / CoVe runs without an adapter.
   */
  readonly sideEngine?: (role: SideRole) => Promise<Engine | undefined>;
  /** The pipeline driver (default: client/pipelines/run_pipeline.ts; tests pass their own). */
  readonly runPipeline?: typeof runPipeline;
}

/**
 * The trace with best-of-n's candidates event marked with who gave the learned scores
 * (`data.scored_by`, read by client/ui/trace/best_of_n_view.ts); other events unchanged.
 */
export function markScorer(trace: readonly TraceEvent[], scoredBy: string): TraceEvent[] {
  return trace.map((e) =>
    e.stage === "best_of_n" && e.event === "candidates"
      ? { ...e, data: { ...e.data, scored_by: scoredBy } }
      : e
  );
}

/**
 * The bridge used by the chat. `hasDraft` tells whether the loaded engine can speculate;
 * `engineInfo` (optional) gives the loaded engine's info, for what it offers for thinking;
 * `deps` the learned verifier and the Self-RAG reader (see {@link PipelineBridgeDeps}).
 *
 * @example
 * ```ts
 * const bridge = createPipelineBridge(location.origin, () => engineHasDraft, () => info);
 * ```
 */
export function createPipelineBridge(
  edgeUrl: string,
  hasDraft: () => boolean,
  engineInfo: () => EngineInfo | undefined = () => undefined,
  deps: PipelineBridgeDeps = {},
): PipelineBridge {
  const drive = deps.runPipeline ?? runPipeline;
  return {
    isActive(value) {
      const r = toPipelineRequest(pipelineSettingsOf(value));
      return r.pipeline.length > 0 || r.s2aFilter || thinkingOf(value) !== undefined;
    },
    speculative(value) {
      return hasDraft() ? speculativeOf(value) : undefined;
    },
    async run(args) {
      const r = toPipelineRequest(pipelineSettingsOf(args.settings));
      const spec = hasDraft() ? r.speculative : undefined;
      const thinking = thinkingOf(args.settings);
      if (thinking !== undefined) {
        return await runThinkingAnswer(args.engine, {
          messages: args.messages,
          thinking,
          options: args.options,
          adapter: args.adapter,
          speculative: spec,
        }, { signal: args.signal, onToken: args.onToken });
      }
      const load = (role: SideRole) => {
        const side = deps.sideEngine;
        return side === undefined ? undefined : () => side(role);
      };
      const verifier = r.options.best_of_n?.verifier;
      const scorer: Scorer | undefined =
        r.pipeline.includes("best_of_n") && usesLearnedVerifier(verifier)
          ? await learnedScorer(load("verifier"), verifier ?? "", args.signal)
          : undefined;
      const generators = await stageGenerators(r.pipeline, load, args.adapter, args.signal);
      const sideEngines: SideEngines = {
        ...(scorer?.engine !== undefined ? { verifier: scorer.engine } : {}),
        ...generatorEngines(generators),
      };
      const sides = Object.values(sideEngines);
      const { value: out, work } = await measureDecode(sides, () =>
        drive({
          edgeUrl,
          engine: args.engine,
          ...(sides.length > 0 ? { sideEngines } : {}),
          pipeline: r.pipeline,
          // The chat stores only system, user and assistant turns.
          messages: args.messages.flatMap((m) =>
            m.role === "tool" ? [] : [{ role: m.role, content: m.content }]
          ),
          // The edge trims passages and templates to the loaded model's window (a 512-token
          // world model cannot take five full passages).
          options: {
            ...r.options,
            ...(engineInfo()?.contextLength !== undefined
              ? { context_tokens: engineInfo()!.contextLength }
              : {}),
            ...args.options,
          },
          s2aFilter: r.s2aFilter,
          ...(spec !== undefined ? { speculative: spec } : {}),
          ...(args.adapter !== undefined ? { adapter: args.adapter } : {}),
          signal: args.signal,
          onToken: args.onToken,
        }));
      const scored = scorer === undefined ? out.trace : markScorer(out.trace, scorer.scoredBy);
      const trace = markGenerators(scored, generators);
      return { output: out.output, trace, ...(sides.length > 0 ? { sideDecode: work } : {}) };
    },
    renderTrace(trace, answer) {
      const thought = ThinkingTrace.safeParse(trace);
      if (thought.success) return renderThinkingTrace(thought.data);
      return renderTrace(Array.isArray(trace) ? trace as TraceEvent[] : [], answer);
    },
    mountToggles(root, initial, onChange) {
      const support = thinkingSupportOf(engineInfo());
      const noThinking = thinkingUnavailable(support, hasDraft());
      const toggles = renderPipelineToggles(root, pipelineSettingsOf(initial), onChange, {
        ...(hasDraft() ? {} : {
          speculativeUnavailable: "(load a draft model in the Models tab to speculate)",
        }),
        thinkingSupport: support,
        ...(noThinking !== undefined ? { thinkingUnavailable: noThinking } : {}),
      });
      return { set: (v: unknown) => toggles.set(pipelineSettingsOf(v)) };
    },
  };
}
