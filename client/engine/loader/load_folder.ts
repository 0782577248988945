/**
 * Load a model folder from a URL, a local path (Deno) or in-memory bytes, with byte
 * progress per file and in total, and an optional persistent cache for URLs.
 *
 * @module
 */
import { z } from "zod";
import { ModelLoadError } from "../errors.ts";
import { cacheKey, type FileKey, type ModelFileCache } from "./file_cache.ts";
import { folderFiles, type ModelDtype, type ModelFiles, parseModelFiles } from "./model_files.ts";
import { type ProgressListener, ProgressTracker } from "./progress.ts";

/** Where a model folder comes from. */
export const ModelSource = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("url"), url: z.string().min(1) }),
  z.object({ kind: z.literal("path"), path: z.string().min(1) }),
  z.object({
    kind: z.literal("bytes"),
    files: z.record(
      z.string(),
      z.custom<Uint8Array>((v) => v instanceof Uint8Array, "must be a Uint8Array"),
    ),
  }),
]);
/** Where a model folder comes from. */
export type ModelSource = z.infer<typeof ModelSource>;

/** Options of {@link loadModelFolder}. */
export interface LoadOptions {
  readonly dtype?: ModelDtype;
  readonly onProgress?: ProgressListener;
  /** Persistent cache for URL sources (browser: Dexie). */
  readonly cache?: ModelFileCache;
  readonly signal?: AbortSignal;
  /** Injected fetch (tests); defaults to globalThis.fetch. */
  readonly fetch?: typeof fetch;
}

/**
 * Read and parse a model folder.
 *
 * @example
 * ```ts
 * const files = await loadModelFolder({ kind: "path", path: "models/fixtures/target" });
 * ```
 */
export async function loadModelFolder(
  source: ModelSource,
  options: LoadOptions = {},
): Promise<ModelFiles> {
  const dtype = options.dtype ?? "fp32";
  const { required, optional } = folderFiles(dtype);
  const all = [...required, ...optional];
  const tracker = new ProgressTracker(all, options.onProgress);
  let raw: Map<string, Uint8Array>;
  switch (source.kind) {
    case "bytes":
      raw = new Map(Object.entries(source.files).filter(([k]) => all.includes(k)));
      for (const f of all) tracker.setTotal(f, raw.get(f)?.byteLength ?? 0);
      for (const [f, b] of raw) tracker.update(f, b.byteLength, true);
      break;
    case "path":
      raw = await readLocal(source.path, required, optional, tracker);
      break;
    case "url":
      raw = await readRemote(source.url, required, optional, tracker, options);
      break;
  }
  return parseModelFiles(raw, dtype);
}

async function readLocal(
  dir: string,
  required: readonly string[],
  optional: readonly string[],
  tracker: ProgressTracker,
): Promise<Map<string, Uint8Array>> {
  const raw = new Map<string, Uint8Array>();
  const sizes = new Map<string, number>();
  for (const f of [...required, ...optional]) {
    try {
      const info = await Deno.stat(`${dir}/${f}`);
      sizes.set(f, info.size);
      tracker.setTotal(f, info.size);
    } catch (cause) {
      if (!(cause instanceof Deno.errors.NotFound)) throw cause;
      if (required.includes(f)) {
        throw new ModelLoadError(
          `Cannot load model from '${dir}' as required file '${f}' is missing`,
          { cause },
        );
      }
      tracker.setTotal(f, 0);
    }
  }
  for (const f of sizes.keys()) {
    const bytes = await Deno.readFile(`${dir}/${f}`);
    raw.set(f, bytes);
    tracker.update(f, bytes.byteLength);
  }
  return raw;
}

async function readRemote(
  base: string,
  required: readonly string[],
  optional: readonly string[],
  tracker: ProgressTracker,
  options: LoadOptions,
): Promise<Map<string, Uint8Array>> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const root = base.endsWith("/") ? base : `${base}/`;
  const files = [...required, ...optional];
  // HEAD every file first so the overall total is known before the first byte arrives and the
  // cache key (url + size + etag) can be checked without downloading.
  const keys = new Map<string, FileKey | null>();
  await Promise.all(files.map(async (f) => {
    const url = new URL(f, root).href;
    const res = await doFetch(url, {
      method: "HEAD",
      ...(options.signal ? { signal: options.signal } : {}),
    })
      .catch((cause) => {
        throw new ModelLoadError(`Cannot load model file '${url}': ${String(cause)}`, { cause });
      });
    if (res.status === 404) {
      if (required.includes(f)) {
        throw new ModelLoadError(
          `Cannot load model as required file '${url}' is missing (HTTP 404)`,
        );
      }
      keys.set(f, null);
      tracker.setTotal(f, 0);
      return;
    }
    const len = res.headers.get("content-length");
    const size = res.ok && len !== null ? Number(len) : null;
    keys.set(f, { url, size, etag: res.headers.get("etag") });
    tracker.setTotal(f, size);
  }));
  const raw = new Map<string, Uint8Array>();
  for (const f of files) {
    const key = keys.get(f);
    if (key === null || key === undefined) continue;
    const hit = options.cache ? await options.cache.get(key) : undefined;
    if (hit !== undefined) {
      raw.set(f, hit);
      tracker.update(f, hit.byteLength, true);
      continue;
    }
    const bytes = await download(doFetch, key.url, (n) => tracker.update(f, n), options.signal);
    if (key.size !== null && bytes.byteLength !== key.size) {
      throw new ModelLoadError(
        `Cannot load model file '${key.url}' as it is truncated: got ${bytes.byteLength} of ${key.size} bytes`,
      );
    }
    raw.set(f, bytes);
    if (options.cache) await options.cache.put(key, bytes);
  }
  return raw;
}

async function download(
  doFetch: typeof fetch,
  url: string,
  onBytes: (loaded: number) => void,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const res = await doFetch(url, signal ? { signal } : {});
  if (!res.ok || res.body === null) {
    throw new ModelLoadError(
      `Cannot load model file '${url}': HTTP ${res.status} ${res.statusText}`,
    );
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onBytes(loaded);
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Re-exported for callers that key caches themselves. */
export { cacheKey };
