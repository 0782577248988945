/**
 * Reads adapter files into memory chunk by chunk, reporting bytes read and honouring an
 * AbortSignal between chunks (and cancelling a pending read when it fires); hashes and
 * detaches the bytes for storage.
 *
 * @module
 */

/** Bytes of the weights read so far. `total` is the expected size, or `loaded` when unknown. */
export interface ImportProgress {
  readonly loaded: number;
  readonly total: number;
}

/** Options of {@link readStream}. */
export interface ReadOptions {
  /** Expected size in bytes (a Blob's size, a Content-Length), or null when unknown. */
  readonly total: number | null;
  readonly onProgress?: ((p: ImportProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Read a byte stream to its end. With a known `total`, the stream must deliver exactly that
 * many bytes, else it throws a RangeError (a truncated download).
 *
 * @example
 * ```ts
 * const bytes = await readStream(blob.stream(), { total: blob.size });
 * ```
 */
export async function readStream(
  stream: ReadableStream<Uint8Array>,
  options: ReadOptions,
): Promise<Uint8Array> {
  const { total, onProgress, signal } = options;
  signal?.throwIfAborted();
  const reader = stream.getReader();
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let finished = false;
  try {
    onProgress?.({ loaded: 0, total: total ?? 0 });
    while (true) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) {
        finished = true;
        break;
      }
      chunks.push(value);
      loaded += value.byteLength;
      if (total !== null && loaded > total) break;
      onProgress?.({ loaded, total: total ?? loaded });
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // Stop the source (e.g. the download) when we leave early: error, abort or excess bytes.
    if (!finished) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  if (total !== null && loaded !== total) {
    throw new RangeError(`expected ${total} bytes but the stream delivered ${loaded}`);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Bytes of a Uint8Array (as is) or a Blob (streamed with progress). */
export async function readBytes(
  source: Uint8Array | Blob,
  onProgress?: (p: ImportProgress) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  signal?.throwIfAborted();
  if (source instanceof Uint8Array) {
    onProgress?.({ loaded: source.byteLength, total: source.byteLength });
    return source;
  }
  return await readStream(source.stream(), { total: source.size, onProgress, signal });
}

/** Text of adapter_config.json given as a string, UTF-8 bytes or a Blob. */
export async function readText(source: string | Uint8Array | Blob): Promise<string> {
  if (typeof source === "string") return source;
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(await source.arrayBuffer());
  return new TextDecoder().decode(bytes);
}

/** A standalone ArrayBuffer holding exactly these bytes (no copy when the view is whole). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

/** Hex SHA-256 of the bytes (Web Crypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
