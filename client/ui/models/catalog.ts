/**
 * The bundled models the Models panel offers: read from the server's `/models/manifest.json`
 * (the forge's manifest format, `{ models: [{ name, path }] }`, paths relative to /models/),
 * with the fixture target as the fallback default.
 *
 * @module
 */
import { z } from "zod";

/** The default model folder, served by the Verity server. */
export const DEFAULT_MODEL = "/models/fixtures/target";

/** A model manifest as served. */
export const ModelManifest = z.object({
  models: z.array(z.looseObject({
    name: z.string().min(1),
    path: z.string().min(1),
    parameters: z.number().optional(),
    role: z.string().optional(),
  })),
});
/** A model manifest as served. */
export type ModelManifest = z.infer<typeof ModelManifest>;

/** One model the page can load. */
export interface CatalogEntry {
  readonly name: string;
  /** Folder URL path, e.g. "/models/fixtures/target". */
  readonly path: string;
  readonly parameters?: number;
}

/** The catalog used when the manifest cannot be read. */
export const FALLBACK_CATALOG: readonly CatalogEntry[] = [
  { name: "fixtures/target", path: DEFAULT_MODEL },
];

/**
 * Entries of a manifest (paths made absolute under `/models/`).
 *
 * @example
 * ```ts
 * catalogFromManifest({ models: [{ name: "target", path: "fixtures/target" }] });
 * ```
 */
export function catalogFromManifest(manifest: unknown): CatalogEntry[] {
  const parsed = ModelManifest.safeParse(manifest);
  if (!parsed.success) return [...FALLBACK_CATALOG];
  return parsed.data.models.map((m) => ({
    name: m.name,
    path: `/models/${m.path.replace(/^\/+|\/+$/g, "")}`,
    ...(m.parameters !== undefined ? { parameters: m.parameters } : {}),
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
