/**
 * Side models that generate a whole pipeline stage in place of the chat model: Self-RAG's
 * reader (the chat model's sibling fine-tuned on retrieval-augmented examples with reflection
 * tokens, as Asai et al., ICLR 2024, fine-tune their generator) and the CoVe model (the chat
 * model fine-tuned on Chain-of-Verification's prompts: list drafts, plans, verification
 * answers, cross-checks, final responses). The world build ships them next to the chat model
 * (`/models/world/reader`, `/models/world/cove`); the page loads each as its folder's side model
 * (./side_models.ts) the first time a run of its stage asks. The stage's requests (marked
 * `role: "reader"` / `role: "cove"` by the edge) then run on it, and the stage's trace records
 * which model generated (a "generator" event with `generated_by`, read by
 * client/ui/trace/selfrag_view.ts and cove_view.ts).
 *
 * A run with a LoRA adapter selected keeps the stage on the chat model: the adapter belongs to
 * the chat model (the side model has no LoRA slots), and the user asked for it.
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import {
  SIDE_ROLES,
  type SideRole,
  type Stage,
  type TraceEvent,
} from "../../../shared/pipeline.ts";
import { type LabelledEngine, loadSideEngine } from "./side_engine.ts";
import { SIDE_PURPOSES } from "./side_models.ts";

/** The stage each generator role generates (its side model runs every request of it). */
export const GENERATOR_STAGES = {
  reader: "selfrag",
  cove: "cove",
} as const satisfies Partial<Record<SideRole, Stage>>;

/** A side role whose model generates a whole stage: "reader" (Self-RAG) or "cove" (CoVe). */
export type GeneratorRole = keyof typeof GENERATOR_STAGES;

const isGeneratorRole = (r: SideRole): r is GeneratorRole => Object.hasOwn(GENERATOR_STAGES, r);

/** The generator roles, in SIDE_ROLES order. */
export const GENERATOR_ROLES: readonly GeneratorRole[] = SIDE_ROLES.filter(isGeneratorRole);

/** Who generates a stage's requests when no side model runs them. */
export const CHAT_MODEL_GENERATOR = "the chat model";

/** A generator side model (Self-RAG's reader, the CoVe model) failed to load. */
export class GeneratorLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GeneratorLoadError";
  }
}

/** The engine that runs a stage's requests, and its name for the trace. */
export interface StageGenerator {
  /** The side model's engine; undefined: the stage runs on the chat model. */
  readonly engine?: Engine;
  /** "world/reader", "world/cove", or {@link CHAT_MODEL_GENERATOR}. */
  readonly generatedBy: string;
}

/**
 * The generator of the stage of `role` in a run: the engine `load` gives (named by the model it
 * runs), or the chat model when there is no loader, the loaded model's folder has no such
 * model, or an adapter is selected (`adapter`; the loader is then never called). A failed load
 * is a {@link GeneratorLoadError}, never a silent fallback to the chat model.
 *
 * @example
 * ```ts
 * const { engine, generatedBy } = await stageGenerator("cove", () => cove.get(), undefined);
 * ```
 */
export async function stageGenerator(
  role: GeneratorRole,
  load: (() => Promise<Engine | undefined>) | undefined,
  adapter: string | undefined,
  signal?: AbortSignal,
): Promise<StageGenerator> {
  if (adapter !== undefined) return { generatedBy: CHAT_MODEL_GENERATOR };
  const side: LabelledEngine | undefined = await loadSideEngine(
    load,
    signal,
    (cause, why) =>
      new GeneratorLoadError(
        `Cannot run ${
          SIDE_PURPOSES[role]
        } on the ${role} model as it did not load: current value is ${why}`,
        { cause },
      ),
  );
  return side === undefined
    ? { generatedBy: CHAT_MODEL_GENERATOR }
    : { engine: side.engine, generatedBy: side.label };
}

/**
 * The trace with a "generator" event of `stage` (`data.generated_by`) before the stage's first
 * event; a trace without events of the stage is returned unchanged.
 *
 * @example
 * ```ts
 * markGenerator(trace, "cove", "world/cove");
 * // [..., { stage: "cove", event: "generator", data: { generated_by: "world/cove" } }, ...]
 * ```
 */
export function markGenerator(
  trace: readonly TraceEvent[],
  stage: Stage,
  generatedBy: string,
): TraceEvent[] {
  const at = trace.findIndex((e) => e.stage === stage);
  if (at < 0) return [...trace];
  const event: TraceEvent = { stage, event: "generator", data: { generated_by: generatedBy } };
  return [...trace.slice(0, at), event, ...trace.slice(at)];
}

/** Where a role's side model comes from: a loader, or undefined (the page has none). */
export type RoleLoader = (role: GeneratorRole) => (() => Promise<Engine | undefined>) | undefined;

/**
 * The generator of each generator stage in `pipeline` (see {@link stageGenerator}), loaded one
 * after the other in {@link GENERATOR_ROLES} order; stages not in the pipeline get none.
 *
 * @example
 * ```ts
 * const gens = await stageGenerators(["selfrag", "cove"], (r) => () => side.get(r), undefined);
 * gens.cove?.generatedBy; // "world/cove"
 * ```
 */
export async function stageGenerators(
  pipeline: readonly Stage[],
  load: RoleLoader,
  adapter: string | undefined,
  signal?: AbortSignal,
): Promise<Partial<Record<GeneratorRole, StageGenerator>>> {
  const out: Partial<Record<GeneratorRole, StageGenerator>> = {};
  for (const role of GENERATOR_ROLES) {
    if (!pipeline.includes(GENERATOR_STAGES[role])) continue;
    out[role] = await stageGenerator(role, load(role), adapter, signal);
  }
  return out;
}

/** The trace marked with the generator of each stage in `generators` ({@link markGenerator}). */
export function markGenerators(
  trace: readonly TraceEvent[],
  generators: Partial<Record<GeneratorRole, StageGenerator>>,
): TraceEvent[] {
  let out = [...trace];
  for (const role of GENERATOR_ROLES) {
    const g = generators[role];
    if (g !== undefined) out = markGenerator(out, GENERATOR_STAGES[role], g.generatedBy);
  }
  return out;
}

/** The engines of the generators that run on a side model, by role (the run's side engines). */
export function generatorEngines(
  generators: Partial<Record<GeneratorRole, StageGenerator>>,
): Partial<Record<GeneratorRole, Engine>> {
  const out: Partial<Record<GeneratorRole, Engine>> = {};
  for (const role of GENERATOR_ROLES) {
    const engine = generators[role]?.engine;
    if (engine !== undefined) out[role] = engine;
  }
  return out;
}
