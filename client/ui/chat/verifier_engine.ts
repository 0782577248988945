/**
 * The page's learned verifier for prover-verifier best-of-n: a small model that reads a
 * problem and a solution and scores it (issue 8). The world build ships it as the model
 * `verifier` next to the chat model (`/models/world/verifier` beside `/models/world/target`),
 * listed in `/models/manifest.json`. {@link VerifierEngine} loads it lazily, in a worker of
 * its own (a second engine session), the first time a best-of-n run asks for the learned
 * score, keeps that ONE engine for later runs, and drops it when the chat model moves to
 * another folder (whose manifest entry names another verifier, or none).
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import type { LoadProgress } from "../../engine/loader/progress.ts";
import type { BestOfNOptions } from "../../../shared/pipeline.ts";
import { PipelineAbortedError } from "../../pipelines/errors.ts";
import { catalogFromManifest, ModelManifest } from "../models/catalog.ts";
import type { LoadedEngine, LoadRequest } from "../shell/engine_session.ts";

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

/** The folder (URL path) holding the model folder `modelUrl`, e.g. "/models/world". */
export function parentFolder(modelUrl: string): string {
  const path = new URL(modelUrl, "http://page.invalid/").pathname.replace(/\/+$/, "");
  return path.slice(0, path.lastIndexOf("/"));
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
  // A manifest that cannot be read lists no verifier (the catalog's fallback has none either).
  if (!ModelManifest.safeParse(manifest).success) return undefined;
  const own = new URL(modelUrl, "http://page.invalid/").pathname.replace(/\/+$/, "");
  const wanted = `${parentFolder(modelUrl)}/${VERIFIER_MODEL_NAME}`;
  const entry = catalogFromManifest(manifest).find((m) => m.path === wanted);
  if (entry === undefined || entry.path === own) return undefined;
  return URL.canParse(modelUrl) ? new URL(entry.path, modelUrl).href : entry.path;
}

/** A short name of a model folder URL for traces: "world/verifier" for ".../models/world/verifier". */
export function modelLabel(modelUrl: string): string {
  const path = new URL(modelUrl, "http://page.invalid/").pathname.replace(/\/+$/, "");
  const m = /^\/models\/(.+)$/.exec(path);
  return m?.[1] ?? modelUrl;
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

/** `p`, or a PipelineAbortedError as soon as `signal` aborts (a load can outlast a stop). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) return Promise.reject(new PipelineAbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new PipelineAbortedError());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
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
  if (load === undefined) return { scoredBy: CHAT_MODEL_SCORER };
  try {
    const engine = await untilAborted(load(), signal);
    if (engine === undefined) return { scoredBy: CHAT_MODEL_SCORER };
    return { engine, scoredBy: modelLabel((await untilAborted(engine.info(), signal)).model) };
  } catch (err) {
    if (err instanceof PipelineAbortedError) throw err;
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new VerifierLoadError(
      `Cannot score best-of-n candidates with verifier '${verifier}' as the learned verifier model did not load: current value is ${why}`,
      { cause: err },
    );
  }
}

/** What the verifier needs of an engine session (shell/engine_session.ts EngineSession). */
export interface VerifierSession {
  load(request: LoadRequest, onProgress: (p: LoadProgress) => void): Promise<LoadedEngine>;
  terminate(): void;
}

/** What {@link VerifierEngine} needs. */
export interface VerifierEngineDeps {
  /** The chat model's load request now (undefined while none is loaded). */
  readonly chatModel: () => LoadRequest | undefined;
  /** The parsed `/models/manifest.json` (see {@link fetchManifest}). */
  readonly manifest: () => Promise<unknown>;
  /** A fresh session for the verifier (its own worker), e.g. a second EngineSession. */
  readonly makeSession: () => VerifierSession;
  /** Progress of the verifier's download and load. */
  readonly onProgress?: (p: LoadProgress) => void;
}

/** The manifest as served, or undefined when it cannot be fetched or read. */
export async function fetchManifest(fetchFn: typeof fetch = fetch): Promise<unknown> {
  try {
    const res = await fetchFn("/models/manifest.json");
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

interface Held {
  /** Folder of the chat model this verifier belongs to. */
  readonly folder: string;
  session: VerifierSession | undefined;
  engine: Promise<Engine | undefined>;
}

/** The page's one learned-verifier engine, loaded on first use. */
export class VerifierEngine {
  readonly #deps: VerifierEngineDeps;
  #held: Held | undefined;

  constructor(deps: VerifierEngineDeps) {
    this.#deps = deps;
  }

  /**
   * The verifier engine of the loaded chat model's folder, loading it on the first call;
   * undefined when no chat model is loaded or its folder has no verifier. A failed load
   * rejects (with the session's error) and is retried on the next call.
   */
  get(): Promise<Engine | undefined> {
    const chat = this.#deps.chatModel();
    if (chat === undefined) return Promise.resolve(undefined);
    this.follow(chat.modelUrl);
    if (this.#held !== undefined) return this.#held.engine;
    const folder = parentFolder(chat.modelUrl);
    const held: Held = { folder, session: undefined, engine: Promise.resolve(undefined) };
    held.engine = (async () => {
      const url = verifierFolderFor(chat.modelUrl, await this.#deps.manifest());
      if (url === undefined || this.#held !== held) return undefined;
      const session = this.#deps.makeSession();
      held.session = session;
      const loaded = await session.load(
        { modelUrl: url, ep: chat.ep, cache: chat.cache },
        (p) => this.#deps.onProgress?.(p),
      );
      return loaded.engine;
    })();
    held.engine.catch(() => {
      if (this.#held === held) this.dispose(); // the next run tries again
    });
    this.#held = held;
    return held.engine;
  }

  /** Whether a verifier load was started (and not dropped) for the current chat folder. */
  get started(): boolean {
    return this.#held !== undefined;
  }

  /** Drop the verifier when the chat model at `modelUrl` lives in another folder. */
  follow(modelUrl: string): void {
    if (this.#held !== undefined && this.#held.folder !== parentFolder(modelUrl)) this.dispose();
  }

  /** Stop the verifier's worker (and forget it); the next {@link get} loads it again. */
  dispose(): void {
    this.#held?.session?.terminate();
    this.#held = undefined;
  }
}
