/**
 * Imported first by the Deno test worker: onnxruntime-web resolves its own URL against
 * `location.origin`, which is "null" in a Deno worker (a file: URL); hiding `location`, as on
 * Deno's main thread, makes it use import.meta.url alone.
 *
 * @module
 */
Object.defineProperty(globalThis, "location", { value: undefined, configurable: true });
