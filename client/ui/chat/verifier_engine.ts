/**
 * The page's learned verifier for prover-verifier best-of-n: a small model that reads a
 * problem and a solution and scores it (issue 8). The world build ships it as the model
 * `verifier` next to the chat model (`/models/world/verifier` beside `/models/world/target`),
 * listed in `/models/manifest.json`. The page's verifier engine is the folder's side model
 * `verifier` (./side_models.ts): loaded lazily in a worker of its own the first time a
 * best-of-n run asks for the learned score, kept for later runs, dropped when the chat model
 * moves to another folder. This module holds what best-of-n does with it.
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import type { BestOfNOptions } from "../../../shared/pipeline.ts";
import { loadSideEngine, sideFolderFor } from "./side_engine.ts";

/** Name of the verifier model in a folder of bundled models (manifest entry `<folder>/verifier`). */
export const VERIFIER_MODEL_NAME = "verifier";

/** A learned-verifier model failed to load, so best-of-n cannot score with it. */
export class VerifierLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "VerifierLoadError";
  }
}

/** True when best-of-n with this `verifier` setting asks for the learned score. */
export function usesLearnedVerifier(verifier: BestOfNOptions["verifier"] | undefined): boolean {
  return verifier === "learned" || verifier === "both";
}

/**
 * The verifier folder of the chat model at `modelUrl`: the manifest's model `verifier` in the
 * same folder, as a URL of the model's origin (a path when `modelUrl` is one); undefined when
 * the manifest lists none there (e.g. the fixtures) or the chat model is the verifier itself.
 *
 * @example
 * ```ts
 * const manifest = { models: [{ name: "world/verifier", path: "world/verifier" }] };
 * verifierFolderFor("http://x/models/world/target_lora", manifest);
 * // "http://x/models/world/verifier"
 * ```
 */
export function verifierFolderFor(modelUrl: string, manifest: unknown): string | undefined {
  return sideFolderFor(modelUrl, manifest, VERIFIER_MODEL_NAME);
}

/** Who gives the learned scores when no verifier model is loaded: the verifier prompt on it. */
export const CHAT_MODEL_SCORER = "the chat model";

/** The engine that scores best-of-n's candidates, and its name for the trace. */
export interface Scorer {
  /** The verifier model's engine; undefined: the verifier prompt runs on the chat model. */
  readonly engine?: Engine;
  /** "world/verifier", or {@link CHAT_MODEL_SCORER}. */
  readonly scoredBy: string;
}

/**
 * The scorer of a best-of-n run whose `verifier` setting asks for the learned score: the
 * engine `load` gives (named by the model it runs), or the chat model when there is no loader
 * or it has no verifier for the loaded model. A failed load is a {@link VerifierLoadError},
 * never a silent fallback to the chat model.
 *
 * @example
 * ```ts
 * const { engine, scoredBy } = await learnedScorer(() => verifiers.get(), "learned", signal);
 * ```
 */
export async function learnedScorer(
  load: (() => Promise<Engine | undefined>) | undefined,
  verifier: string,
  signal?: AbortSignal,
): Promise<Scorer> {
  const side = await loadSideEngine(load, signal, (cause, why) =>
    new VerifierLoadError(
      `Cannot score best-of-n candidates with verifier '${verifier}' as the learned verifier model did not load: current value is ${why}`,
      { cause },
    ));
  return side === undefined
    ? { scoredBy: CHAT_MODEL_SCORER }
    : { engine: side.engine, scoredBy: side.label };
}
