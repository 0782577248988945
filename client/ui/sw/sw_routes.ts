/**
 * Which caching strategy the offline service worker uses for a request. Pure, so the policy is
 * tested in Deno; the worker itself is sw.ts.
 *
 * - The page shell and bundles: network first (updates arrive at once), the cache when offline.
 * - onnxruntime's files (/ort/): cache first (large and fixed per build).
 * - Model files: their bytes live in the engine's IndexedDB cache, not here (no second copy);
 *   when the network is down, a HEAD is answered from that cache's metadata (size, etag) so the
 *   loader finds its cached bytes.
 * - The API (/v1/, /health, /openapi.json) and anything else: straight to the network.
 *
 * @module
 */
/** A caching strategy. */
export type SwStrategy = "network-first" | "cache-first" | "model-file" | "network-only";

/** Name of the build manifest the bundler writes next to the bundles. */
export const BUILD_MANIFEST = "/ui/dist/build.json";

/** The build manifest: a version (names the cache) and the files to cache on install. */
export interface BuildManifest {
  readonly version: string;
  readonly precache: readonly string[];
}

/**
 * Check a parsed build manifest. Written by hand rather than with zod: the service worker is
 * fetched on every navigation, and zod would make it ten times larger.
 *
 * @example
 * ```ts
 * parseBuildManifest({ version: "ab12", precache: ["/"] });
 * ```
 */
export function parseBuildManifest(value: unknown): BuildManifest {
  const v = value as { version?: unknown; precache?: unknown } | null;
  const ok = typeof v === "object" && v !== null && typeof v.version === "string" &&
    v.version !== "" && Array.isArray(v.precache) &&
    v.precache.every((p) => typeof p === "string" && p.startsWith("/"));
  if (!ok) {
    throw new TypeError(
      `Cannot read the build manifest as it must be { version, precache: ["/..."] }: current value is ${
        JSON.stringify(value)?.slice(0, 200)
      }`,
    );
  }
  return { version: v.version as string, precache: v.precache as string[] };
}

/** Prefix of the service worker's cache names (one per build version). */
export const CACHE_PREFIX = "verity-app-";

/**
 * The strategy for a same-origin request path and method.
 *
 * @example
 * ```ts
 * swStrategy("/ort/ort-wasm-simd-threaded.asyncify.wasm", "GET"); // "cache-first"
 * ```
 */
export function swStrategy(pathname: string, method: string): SwStrategy {
  if (method !== "GET" && method !== "HEAD") return "network-only";
  if (pathname === "/sw.js") return "network-only";
  if (pathname.startsWith("/ort/")) return "cache-first";
  if (pathname === "/models/manifest.json") return "network-first";
  if (pathname.startsWith("/models/")) return "model-file";
  if (pathname === "/" || pathname === "/index.html" || pathname.startsWith("/ui/")) {
    return "network-first";
  }
  return "network-only";
}

/** The cache key of a shell request: the page without its query (URL params select models). */
export function cacheKeyOf(url: URL): string {
  return url.pathname === "/index.html" ? "/" : url.pathname;
}
