/**
 * The bundled models the Models panel offers: read from the server's `/models/manifest.json`
 * (`{ models: [{ name, path, parameters?, draft? }], adapters?: [{ name, path, model? }] }`,
 * paths relative to /models/; functions/models_manifest.ts merges it), with the trained world
 * target and its draft as the defaults and the fallback.
 *
 * @module
 */
import { z } from "zod";

/**
 * The default model folder, served by the Verity server: the trained tiny-world target with
 * LoRA slot inputs, so the bundled style adapters run on it (slot 0 is the plain target).
 */
export const DEFAULT_MODEL = "/models/world/target_lora";
/** The draft paired with {@link DEFAULT_MODEL} for speculative decoding. */
export const DEFAULT_DRAFT = "/models/world/draft";

/** A model manifest as served. */
export const ModelManifest = z.object({
  models: z.array(z.looseObject({
    name: z.string().min(1),
    path: z.string().min(1),
    parameters: z.number().optional(),
    /**
     * Set on side models (functions/models_manifest.ts: "verifier", "reader", "cove"), which the page
     * runs next to the chat model for one pipeline; absent: a chat model.
     */
    role: z.string().optional(),
    /** Path of the paired draft model (relative to /models/). */
    draft: z.string().min(1).optional(),
  })),
  adapters: z.array(z.looseObject({
    name: z.string().min(1),
    path: z.string().min(1),
    /** Path of the model with LoRA slot inputs that serves the adapter. */
    model: z.string().min(1).optional(),
  })).optional(),
});
/** A model manifest as served. */
export type ModelManifest = z.infer<typeof ModelManifest>;

/** One model the page can load. */
export interface CatalogEntry {
  readonly name: string;
  /** Folder URL path, e.g. "/models/world/target". */
  readonly path: string;
  readonly parameters?: number;
  /** Folder URL path of the draft paired with this model, e.g. "/models/world/draft". */
  readonly draft?: string;
  /** A side model's role ("verifier", "reader", "cove"); absent: a chat model. */
  readonly role?: string;
}

/** The catalog used when the manifest cannot be read. */
export const FALLBACK_CATALOG: readonly CatalogEntry[] = [
  { name: "world/target_lora", path: DEFAULT_MODEL, draft: DEFAULT_DRAFT },
  { name: "world/target", path: "/models/world/target", draft: DEFAULT_DRAFT },
  { name: "world/draft", path: DEFAULT_DRAFT },
  { name: "fixtures/target", path: "/models/fixtures/target", draft: "/models/fixtures/draft" },
];

function modelsPath(path: string): string {
  return `/models/${path.replace(/^\/+|\/+$/g, "")}`;
}

/**
 * Entries of a manifest (paths made absolute under `/models/`).
 *
 * @example
 * ```ts
 * catalogFromManifest({ models: [{ name: "world/target", path: "world/target", draft: "world/draft" }] });
 * ```
 */
export function catalogFromManifest(manifest: unknown): CatalogEntry[] {
  const parsed = ModelManifest.safeParse(manifest);
  if (!parsed.success) return [...FALLBACK_CATALOG];
  return parsed.data.models.map((m) => ({
    name: m.name,
    path: modelsPath(m.path),
    ...(m.parameters !== undefined ? { parameters: m.parameters } : {}),
    ...(m.draft !== undefined ? { draft: modelsPath(m.draft) } : {}),
    ...(m.role !== undefined ? { role: m.role } : {}),
  }));
}

/**
 * The entries the Models panel offers as chat models (and drafts): every entry without a side
 * role. Side models (best-of-n's verifier, Self-RAG's reader, CoVe's model) stay in the catalog, where the
 * chat finds them by folder, but are never loaded as the chat model.
 *
 * @example
 * ```ts
 * chatModels([{ name: "world/target", path: "/models/world/target" },
 *   { name: "world/reader", path: "/models/world/reader", role: "reader" }]);
 * // [{ name: "world/target", path: "/models/world/target" }]
 * ```
 */
export function chatModels(catalog: readonly CatalogEntry[]): CatalogEntry[] {
  return catalog.filter((m) => m.role === undefined);
}

/** One bundled PEFT adapter: its folder and the model that serves it. */
export interface BundledAdapter {
  readonly name: string;
  /** Folder URL path holding the two PEFT files, for the adapter store's import from a URL. */
  readonly path: string;
  /** Folder URL path of the model with LoRA slot inputs that serves it. */
  readonly model?: string;
}

/**
 * The bundled adapters a manifest lists (paths made absolute under `/models/`); none when it
 * lists none or cannot be read.
 *
 * @example
 * ```ts
 * bundledAdapters({ models: [], adapters: [{ name: "world/terse", path: "world/adapters/terse" }] });
 * // [{ name: "world/terse", path: "/models/world/adapters/terse" }]
 * ```
 */
export function bundledAdapters(manifest: unknown): BundledAdapter[] {
  const parsed = ModelManifest.safeParse(manifest);
  if (!parsed.success) return [];
  return (parsed.data.adapters ?? []).map((a) => ({
    name: a.name,
    path: modelsPath(a.path),
    ...(a.model !== undefined ? { model: modelsPath(a.model) } : {}),
  }));
}

/** Fetch the catalog; falls back to {@link FALLBACK_CATALOG} when the manifest is unreachable. */
export async function fetchCatalog(fetchFn: typeof fetch = fetch): Promise<CatalogEntry[]> {
  try {
    const res = await fetchFn("/models/manifest.json");
    if (!res.ok) return [...FALLBACK_CATALOG];
    const entries = catalogFromManifest(await res.json());
    return entries.length > 0 ? entries : [...FALLBACK_CATALOG];
  } catch {
    return [...FALLBACK_CATALOG];
  }
}

/** The folder part of a cached file URL (the URL minus the model-relative file path). */
export function folderOfFile(url: string): string {
  const m = /^(.*?)\/(?:onnx\/[^/]+|[^/]+\.json)$/.exec(url);
  return m?.[1] ?? url;
}
