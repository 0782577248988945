/**
 * The page's Self-RAG reader: the chat model's sibling fine-tuned on retrieval-augmented
 * examples with reflection tokens (Asai et al., ICLR 2024, fine-tune their generator the same
 * way). The world build ships it as the model `reader` next to the chat model
 * (`/models/world/reader`). {@link ReaderEngine} is the folder's side model `reader`
 * (./side_engine.ts): loaded in a worker of its own the first time a Self-RAG run asks, kept
 * for later runs, dropped when the chat model moves to another folder. Self-RAG's requests
 * (all marked `role: "reader"` by the edge) then run on it, and the Self-RAG trace records
 * which model generated (`generated_by`, read by client/ui/trace/selfrag_view.ts).
 *
 * A run with a LoRA adapter selected keeps Self-RAG on the chat model: the adapter belongs to
 * the chat model (the reader has no LoRA slots), and the user asked for it.
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import {
  type LabelledEngine,
  loadSideEngine,
  SideEngine,
  type SideEngineDeps,
} from "./side_engine.ts";

/** Name of the reader model in a folder of bundled models (manifest entry `<folder>/reader`). */
export const READER_MODEL_NAME = "reader";

/** Who generates Self-RAG's requests when no reader model runs them. */
export const CHAT_MODEL_GENERATOR = "the chat model";

/** A Self-RAG reader model failed to load, so Self-RAG cannot run on it. */
export class ReaderLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReaderLoadError";
  }
}

/** The engine that runs Self-RAG's requests, and its name for the trace. */
export interface SelfRagGenerator {
  /** The reader model's engine; undefined: Self-RAG runs on the chat model. */
  readonly engine?: Engine;
  /** "world/reader", or {@link CHAT_MODEL_GENERATOR}. */
  readonly generatedBy: string;
}

/**
 * The generator of a Self-RAG run: the reader engine `load` gives (named by the model it
 * runs), or the chat model when there is no loader, the loaded model's folder has no reader,
 * or an adapter is selected (`adapter`; the loader is then never called). A failed load is a
 * {@link ReaderLoadError}, never a silent fallback to the chat model.
 *
 * @example
 * ```ts
 * const { engine, generatedBy } = await selfragGenerator(() => readers.get(), undefined, signal);
 * ```
 */
export async function selfragGenerator(
  load: (() => Promise<Engine | undefined>) | undefined,
  adapter: string | undefined,
  signal?: AbortSignal,
): Promise<SelfRagGenerator> {
  if (adapter !== undefined) return { generatedBy: CHAT_MODEL_GENERATOR };
  const side: LabelledEngine | undefined = await loadSideEngine(
    load,
    signal,
    (cause, why) =>
      new ReaderLoadError(
        `Cannot run Self-RAG on the reader model as it did not load: current value is ${why}`,
        { cause },
      ),
  );
  return side === undefined
    ? { generatedBy: CHAT_MODEL_GENERATOR }
    : { engine: side.engine, generatedBy: side.label };
}

/**
 * The trace with a Self-RAG "generator" event (`data.generated_by`) before its first Self-RAG
 * event; a trace without Self-RAG events is returned unchanged.
 *
 * @example
 * ```ts
 * markGenerator(trace, "world/reader");
 * // [..., { stage: "selfrag", event: "generator", data: { generated_by: "world/reader" } }, ...]
 * ```
 */
export function markGenerator(trace: readonly TraceEvent[], generatedBy: string): TraceEvent[] {
  const at = trace.findIndex((e) => e.stage === "selfrag");
  if (at < 0) return [...trace];
  const event: TraceEvent = {
    stage: "selfrag",
    event: "generator",
    data: { generated_by: generatedBy },
  };
  return [...trace.slice(0, at), event, ...trace.slice(at)];
}

/** What {@link ReaderEngine} needs (see ./side_engine.ts). */
export type ReaderEngineDeps = SideEngineDeps;

/** The page's one Self-RAG reader engine: the folder's side model `reader`, loaded on first use. */
export class ReaderEngine extends SideEngine {
  constructor(deps: ReaderEngineDeps) {
    super(READER_MODEL_NAME, "Self-RAG", deps);
  }
}
