/**
 * The page's side models: best-of-n's learned verifier and Self-RAG's reader, each loaded on
 * first use in a session of its own (its own worker) from the chat model's folder, with its
 * load on the status line; a crash drops it. One place to create them, follow the chat model
 * to another folder, and hand them to the pipeline bridge.
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import type { LoadRequest } from "../shell/engine_session.ts";
import { ReaderEngine } from "./reader_engine.ts";
import { fetchManifest, type SideSession, statusOverlay } from "./side_engine.ts";
import { VerifierEngine } from "./verifier_engine.ts";

/** What {@link createSideModels} needs. */
export interface SideModelsDeps {
  /** The chat model's load request now (undefined while none is loaded). */
  readonly chatModel: () => LoadRequest | undefined;
  /** A fresh session whose crash calls `onCrash` (the page's session factory). */
  readonly makeSession: (onCrash: () => void) => SideSession;
  /** The page's status line (side loads overlay it, then restore it). */
  readonly status: { textContent: string | null };
  /** The parsed `/models/manifest.json` (default: {@link fetchManifest}). */
  readonly manifest?: () => Promise<unknown>;
}

/** The two side models and what the page does with them. */
export interface SideModels {
  readonly verifier: VerifierEngine;
  readonly reader: ReaderEngine;
  /** The pipeline bridge's dependencies: each engine on first use (undefined: none). */
  readonly bridgeDeps: {
    readonly verifierEngine: () => Promise<Engine | undefined>;
    readonly readerEngine: () => Promise<Engine | undefined>;
  };
  /** The chat model moved to `modelUrl`: another folder's side models are other models. */
  follow(modelUrl: string): void;
}

/**
 * Create the verifier and reader side engines of the page.
 *
 * @example
 * ```ts
 * const side = createSideModels({ chatModel, makeSession: (c) => makeSession(c), status });
 * createPipelineBridge(origin, hasDraft, info, side.bridgeDeps);
 * ```
 */
export function createSideModels(deps: SideModelsDeps): SideModels {
  const onStatus = statusOverlay(deps.status);
  const manifest = deps.manifest ?? (() => fetchManifest());
  const common = { chatModel: deps.chatModel, manifest, onStatus };
  const verifier: VerifierEngine = new VerifierEngine({
    ...common,
    makeSession: () => deps.makeSession(() => verifier.dispose()),
  });
  const reader: ReaderEngine = new ReaderEngine({
    ...common,
    makeSession: () => deps.makeSession(() => reader.dispose()),
  });
  return {
    verifier,
    reader,
    bridgeDeps: { verifierEngine: () => verifier.get(), readerEngine: () => reader.get() },
    follow(modelUrl) {
      verifier.follow(modelUrl);
      reader.follow(modelUrl);
    },
  };
}
