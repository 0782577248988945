/**
 * Downloads a PEFT adapter folder (adapter_config.json + adapter_model.safetensors) with byte
 * progress for the weights. The config is fetched and checked first, so a wrong folder fails
 * before the large download starts.
 *
 * @module
 */
import { AdapterImportError } from "./errors.ts";
import { type ImportProgress, readStream } from "./read_bytes.ts";
import { parseAdapterConfig } from "./validate_adapter.ts";

/** The PEFT file names inside an adapter folder. */
export const CONFIG_FILE = "adapter_config.json";
/** The PEFT file names inside an adapter folder. */
export const WEIGHTS_FILE = "adapter_model.safetensors";

/** Options of {@link fetchAdapterFiles}. */
export interface FetchAdapterOptions {
  /** Adapter name used in error messages. */
  readonly name: string;
  readonly fetch: typeof fetch;
  readonly onProgress?: ((p: ImportProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The folder URL with a trailing slash, resolved against the page when relative; throws
 * AdapterImportError when it is no URL.
 *
 * @example
 * ```ts
 * folderUrl("https://x.test/adapters/math"); // "https://x.test/adapters/math/"
 * ```
 */
export function folderUrl(url: string): URL {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  let folder: URL;
  try {
    folder = new URL(url, base);
  } catch (cause) {
    throw new AdapterImportError(
      `Cannot import adapter from '${url}' as it must be a URL${
        base === undefined ? " (absolute outside a page)" : ""
      }`,
      { cause },
    );
  }
  if (!folder.pathname.endsWith("/")) folder.pathname += "/";
  folder.search = "";
  folder.hash = "";
  return folder;
}

/** The last path segment of a folder URL, decoded ("math" for ".../adapters/math/"). */
export function folderName(folder: URL): string {
  const parts = folder.pathname.split("/").filter((p) => p !== "");
  return decodeURIComponent(parts.at(-1) ?? folder.host);
}

async function get(url: URL, options: FetchAdapterOptions): Promise<Response> {
  let res: Response;
  try {
    res = await options.fetch(url, options.signal ? { signal: options.signal } : {});
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new AdapterImportError(
      `Cannot import adapter '${options.name}' as fetching ${url} failed: ${
        (cause as Error).message
      }`,
      { cause },
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new AdapterImportError(
      `Cannot import adapter '${options.name}' as fetching ${url} failed: HTTP ${res.status}`,
    );
  }
  return res;
}

/** Content-Length when it is the size of the body we will read (no content encoding). */
function bodyLength(res: Response): number | null {
  if (res.headers.get("content-encoding")) return null;
  const n = Number(res.headers.get("content-length") ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Fetch both files of the adapter folder; throws AdapterImportError on HTTP errors, network
 * failures and truncated downloads, and the signal's reason when aborted.
 *
 * @example
 * ```ts
 * const files = await fetchAdapterFiles(folderUrl("/adapters/math"), { name: "math", fetch });
 * ```
 */
export async function fetchAdapterFiles(
  folder: URL,
  options: FetchAdapterOptions,
): Promise<{ config: string; weights: Uint8Array }> {
  const configRes = await get(new URL(CONFIG_FILE, folder), options);
  const config = await configRes.text();
  parseAdapterConfig(options.name, config);
  const weightsUrl = new URL(WEIGHTS_FILE, folder);
  const weightsRes = await get(weightsUrl, options);
  const body = weightsRes.body ?? new Blob([]).stream();
  try {
    const weights = await readStream(body, {
      total: bodyLength(weightsRes),
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return { config, weights };
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new AdapterImportError(
      `Cannot import adapter '${options.name}' as downloading ${weightsUrl} failed: ${
        (cause as Error).message
      }`,
      { cause },
    );
  }
}
