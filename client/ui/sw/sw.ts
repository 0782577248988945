/**
 * Entry of the offline service worker (bundled by tools/build.ts to client/ui/dist/sw.js and
 * served at /sw.js so its scope is the whole origin). It exports nothing: a classic service
 * worker script may not contain `export`, and module service workers are not in every browser.
 *
 * @module
 */
import { startServiceWorker, type SwScope } from "./sw_handlers.ts";

// Start only inside a service worker; importing this file elsewhere has no effect.
const sw = globalThis as { ServiceWorkerGlobalScope?: abstract new () => unknown };
if (
  sw.ServiceWorkerGlobalScope !== undefined && globalThis instanceof sw.ServiceWorkerGlobalScope
) {
  startServiceWorker(globalThis as unknown as SwScope);
}
