/**
 * Entry of the page (bundled by tools/build.ts to client/ui/dist/main.js): starts the chat app
 * (shell/app.ts) with the engine in a Web Worker, and publishes its state as
 * `globalThis.verityPage` for tests and debugging.
 *
 * URL parameters: `model` (folder URL, default /models/fixtures/target), `draft` (a draft
 * folder for speculative decoding), `ep` ("auto", "webgpu", "wasm"), `cache` ("0" disables the
 * IndexedDB model cache).
 *
 * @module
 */
import { type PageState, startApp } from "./shell/app.ts";
import { EngineSession } from "./shell/engine_session.ts";

export type { PageState };
export { DEFAULT_MODEL } from "./models/catalog.ts";

/**
 * Start the page with the bundled engine worker next to this script.
 *
 * @example
 * ```ts
 * const page = startPage();
 * await page.ready;
 * ```
 */
export function startPage(): PageState {
  return startApp(
    (onCrash) =>
      new EngineSession({ workerUrl: new URL("./engine_worker.js", import.meta.url), onCrash }),
  );
}

// Start only on a page (not when a worker or Deno imports this file for its types).
if (typeof document !== "undefined" && document.getElementById("panel-chat") !== null) {
  (globalThis as { verityPage?: PageState }).verityPage = startPage();
}
