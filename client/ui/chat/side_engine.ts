/**
 * A side model of the chat model's folder: a second model the page runs next to the chat
 * model for one part of a pipeline, e.g. best-of-n's learned verifier (`<folder>/verifier`,
 * ./verifier_engine.ts), Self-RAG's reader or the CoVe model (`<folder>/reader`,
 * `<folder>/cove`, ./generator_engine.ts); ./side_models.ts makes one per side role. The world
 * build ships them beside the chat model (`/models/world/verifier` beside
 * `/models/world/target`), listed in `/models/manifest.json`. {@link SideEngine} loads one
 * lazily, in a worker of its own (a second engine session), the first time a run asks for it,
 * keeps that ONE engine for later runs, and drops it when the chat model moves to another
 * folder (whose manifest names another such model, or none).
 *
 * @module
 */
import type { Engine } from "../../engine/api.ts";
import type { LoadProgress } from "../../engine/loader/progress.ts";
import { PipelineAbortedError } from "../../pipelines/errors.ts";
import { catalogFromManifest, ModelManifest } from "../models/catalog.ts";
import type { LoadedEngine, LoadRequest } from "../shell/engine_session.ts";

/** The folder (URL path) holding the model folder `modelUrl`, e.g. "/models/world". */
export function parentFolder(modelUrl: string): string {
  const path = new URL(modelUrl, "http://page.invalid/").pathname.replace(/\/+$/, "");
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * The side model `name` of the chat model at `modelUrl`: the manifest's model `<folder>/<name>`
 * in the same folder, as a URL of the model's origin (a path when `modelUrl` is one); undefined
 * when the manifest lists none there (e.g. the fixtures) or the chat model is that model itself.
 *
 * @example
 * ```ts
 * const manifest = { models: [{ name: "world/reader", path: "world/reader" }] };
 * sideFolderFor("http://x/models/world/target_lora", manifest, "reader");
 * // "http://x/models/world/reader"
 * ```
 */
export function sideFolderFor(
  modelUrl: string,
  manifest: unknown,
  name: string,
): string | undefined {
  // A manifest that cannot be read lists no side model (the catalog's fallback has none).
  if (!ModelManifest.safeParse(manifest).success) return undefined;
  const own = new URL(modelUrl, "http://page.invalid/").pathname.replace(/\/+$/, "");
  const wanted = `${parentFolder(modelUrl)}/${name}`;
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

/** A loaded side engine and its name for traces ("world/reader"). */
export interface LabelledEngine {
  readonly engine: Engine;
  /** {@link modelLabel} of the model the engine runs. */
  readonly label: string;
}

/**
 * The side engine `load` gives, with its label; undefined when there is no loader or it has
 * no such model for the loaded chat model. A failed load throws `failed(cause, why)` (why:
 * "Name: message"), never a silent fallback to the chat model; an abort of `signal` throws
 * PipelineAbortedError.
 *
 * @example
 * ```ts
 * const side = await loadSideEngine(() => readers.get(), signal, (c, why) => new Error(why));
 * ```
 */
export async function loadSideEngine(
  load: (() => Promise<Engine | undefined>) | undefined,
  signal: AbortSignal | undefined,
  failed: (cause: unknown, why: string) => Error,
): Promise<LabelledEngine | undefined> {
  if (load === undefined) return undefined;
  try {
    const engine = await untilAborted(load(), signal);
    if (engine === undefined) return undefined;
    return { engine, label: modelLabel((await untilAborted(engine.info(), signal)).model) };
  } catch (err) {
    if (err instanceof PipelineAbortedError) throw err;
    throw failed(err, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
}

/** Decode work of engines over a stretch of time: tokens emitted and milliseconds spent. */
export interface DecodeWork {
  readonly tokens: number;
  readonly ms: number;
}

/**
 * Run `fn` and measure the decode work `engines` (side engines of the run) did meanwhile, from
 * their stats before and after; an engine whose stats cannot be read counts 0.
 *
 * @example
 * ```ts
 * const { value, work } = await measureDecode([reader], () => runPipeline(options));
 * ```
 */
export async function measureDecode<T>(
  engines: readonly Engine[],
  fn: () => Promise<T>,
): Promise<{ value: T; work: DecodeWork }> {
  const read = () => Promise.all(engines.map((e) => e.stats().catch(() => undefined)));
  const before = await read();
  const value = await fn();
  const after = await read();
  let tokens = 0;
  let ms = 0;
  for (const [i, a] of after.entries()) {
    const b = before[i];
    if (a === undefined || b === undefined) continue;
    tokens += Math.max(0, a.decodeTokens - b.decodeTokens);
    ms += Math.max(0, a.decodeMs - b.decodeMs);
  }
  return { value, work: { tokens, ms } };
}

/**
 * The status line of a side model's load: "Loading world/reader for Self-RAG: 40% of 5.2 MB"
 * (bytes when the total is unknown; "from the cache" when the bytes came from it).
 *
 * @example
 * ```ts
 * sideLoadLine("world/reader", "Self-RAG", undefined); // "Loading world/reader for Self-RAG…"
 * ```
 */
export function sideLoadLine(label: string, purpose: string, p: LoadProgress | undefined): string {
  const head = `Loading ${label} for ${purpose}`;
  if (p === undefined) return `${head}…`;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const { loaded, total } = p.overall;
  const amount = total !== null && total > 0
    ? `${Math.min(100, Math.floor((100 * loaded) / total))}% of ${mb(total)}`
    : mb(loaded);
  return `${head}: ${amount}${p.cached ? " from the cache" : ""}`;
}

/** What a side model needs of an engine session (shell/engine_session.ts EngineSession). */
export interface SideSession {
  load(request: LoadRequest, onProgress: (p: LoadProgress) => void): Promise<LoadedEngine>;
  terminate(): void;
}

/** What {@link SideEngine} needs. */
export interface SideEngineDeps {
  /** The chat model's load request now (undefined while none is loaded). */
  readonly chatModel: () => LoadRequest | undefined;
  /** The parsed `/models/manifest.json` (see {@link fetchManifest}). */
  readonly manifest: () => Promise<unknown>;
  /** A fresh session for the side model (its own worker), e.g. a second EngineSession. */
  readonly makeSession: () => SideSession;
  /** Progress of the side model's download and load. */
  readonly onProgress?: (p: LoadProgress) => void;
  /**
   * A status line while the side model loads (see {@link sideLoadLine}; `purpose` is the
   * engine's), then null once the load ended, loaded or failed.
   */
  readonly onStatus?: (line: string | null) => void;
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
  /** Folder of the chat model this side model belongs to. */
  readonly folder: string;
  session: SideSession | undefined;
  engine: Promise<Engine | undefined>;
}

/**
 * The page's one engine of the side model `name` (e.g. "verifier", "reader", "cove"), loaded on
 * first use. `purpose` names what it serves, for the status line ("best-of-n", "Self-RAG",
 * "CoVe").
 */
export class SideEngine {
  /** The model's name in its folder (manifest entry `<folder>/<name>`). */
  readonly name: string;
  /** What the model serves, as the status line says it. */
  readonly purpose: string;
  readonly #deps: SideEngineDeps;
  #held: Held | undefined;

  constructor(name: string, purpose: string, deps: SideEngineDeps) {
    this.name = name;
    this.purpose = purpose;
    this.#deps = deps;
  }

  /**
   * The side engine of the loaded chat model's folder, loading it on the first call; undefined
   * when no chat model is loaded or its folder has no such model. A failed load rejects (with
   * the session's error) and is retried on the next call.
   */
  get(): Promise<Engine | undefined> {
    const chat = this.#deps.chatModel();
    if (chat === undefined) return Promise.resolve(undefined);
    this.follow(chat.modelUrl);
    if (this.#held !== undefined) return this.#held.engine;
    const folder = parentFolder(chat.modelUrl);
    const held: Held = { folder, session: undefined, engine: Promise.resolve(undefined) };
    held.engine = (async () => {
      const url = sideFolderFor(chat.modelUrl, await this.#deps.manifest(), this.name);
      if (url === undefined || this.#held !== held) return undefined;
      const session = this.#deps.makeSession();
      held.session = session;
      const label = modelLabel(url);
      const status = this.#deps.onStatus;
      status?.(sideLoadLine(label, this.purpose, undefined));
      try {
        const loaded = await session.load(
          { modelUrl: url, ep: chat.ep, cache: chat.cache },
          (p) => {
            status?.(sideLoadLine(label, this.purpose, p));
            this.#deps.onProgress?.(p);
          },
        );
        return loaded.engine;
      } finally {
        status?.(null);
      }
    })();
    held.engine.catch(() => {
      if (this.#held === held) this.dispose(); // the next run tries again
    });
    this.#held = held;
    return held.engine;
  }

  /** Whether a load was started (and not dropped) for the current chat folder. */
  get started(): boolean {
    return this.#held !== undefined;
  }

  /** Drop the side model when the chat model at `modelUrl` lives in another folder. */
  follow(modelUrl: string): void {
    if (this.#held !== undefined && this.#held.folder !== parentFolder(modelUrl)) this.dispose();
  }

  /** Stop the side model's worker (and forget it); the next {@link get} loads it again. */
  dispose(): void {
    this.#held?.session?.terminate();
    this.#held = undefined;
  }
}

/**
 * A status-line writer for side-model loads on `el` (the page's #status): shows each line,
 * and on null puts back the text it replaced, unless something else wrote the line meanwhile
 * (e.g. a new chat-model load).
 *
 * @example
 * ```ts
 * const onStatus = statusOverlay(document.getElementById("status")!);
 * ```
 */
export function statusOverlay(el: { textContent: string | null }): (line: string | null) => void {
  let saved: string | null | undefined;
  let shown: string | undefined;
  return (line) => {
    if (line === null) {
      if (saved !== undefined && el.textContent === shown) el.textContent = saved;
      saved = shown = undefined;
      return;
    }
    if (saved === undefined || el.textContent !== shown) saved = el.textContent;
    el.textContent = shown = line;
  };
}
