/**
 * The page's side models, one per side role (shared/pipeline.ts SIDE_ROLES): best-of-n's
 * learned verifier, Self-RAG's reader and the CoVe model, each the folder's model of the
 * role's name (`<folder>/verifier`, `<folder>/reader`, `<folder>/cove`), loaded on first use in
 * a session of its own (its own worker) from the chat model's folder, with its load on the
 * status line; a crash drops it. One place to create them, follow the chat model to another
 * folder, and hand them to the pipeline bridge. Adding a role is one line of
 * {@link SIDE_PURPOSES}.
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import { SIDE_ROLES, type SideRole } from "../../../shared/pipeline.ts";
import type { LoadRequest } from "../shell/engine_session.ts";
import {
  fetchManifest,
  SideEngine,
  type SideEngineDeps,
  type SideSession,
  statusOverlay,
} from "./side_engine.ts";

/** What each side model serves, as its status line and load errors say it. */
export const SIDE_PURPOSES: Readonly<Record<SideRole, string>> = {
  verifier: "best-of-n",
  reader: "Self-RAG",
  cove: "CoVe",
};

/**
 * The page's engine of the side model of `role`: the folder's model named like the role,
 * loaded on first use (see ./side_engine.ts).
 *
 * @example
 * ```ts
 * const cove = sideEngineFor("cove", { chatModel, manifest, makeSession });
 * await cove.get(); // the engine of /models/world/cove, or undefined
 * ```
 */
export function sideEngineFor(role: SideRole, deps: SideEngineDeps): SideEngine {
  return new SideEngine(role, SIDE_PURPOSES[role], deps);
}

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

/** What the pipeline bridge gets of the side models: the engine of a role, loaded on first use. */
export interface SideBridgeDeps {
  /** The side model of `role` for the loaded chat model (undefined: its folder has none). */
  readonly sideEngine: (role: SideRole) => Promise<Engine | undefined>;
}

/** The side models (one per role) and what the page does with them. */
export interface SideModels {
  /** The page's engine of each side role. */
  readonly engines: Readonly<Record<SideRole, SideEngine>>;
  /** The pipeline bridge's dependencies: each engine on first use (undefined: none). */
  readonly bridgeDeps: SideBridgeDeps;
  /** The chat model moved to `modelUrl`: another folder's side models are other models. */
  follow(modelUrl: string): void;
}

/**
 * Create the page's side engines, one per side role.
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
  const make = (role: SideRole): SideEngine => {
    const engine: SideEngine = sideEngineFor(role, {
      chatModel: deps.chatModel,
      manifest,
      onStatus,
      makeSession: () => deps.makeSession(() => engine.dispose()),
    });
    return engine;
  };
  const engines = Object.fromEntries(SIDE_ROLES.map((role) => [role, make(role)])) as Record<
    SideRole,
    SideEngine
  >;
  return {
    engines,
    bridgeDeps: { sideEngine: (role) => engines[role].get() },
    follow(modelUrl) {
      for (const role of SIDE_ROLES) engines[role].follow(modelUrl);
    },
  };
}
