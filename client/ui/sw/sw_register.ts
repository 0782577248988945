/**
 * Registers the offline service worker (/sw.js) and reports whether the page works offline.
 * The Verity server marks the page (`<meta name="verity-offline" content="on">`) because it
 * serves /sw.js; on other servers nothing is registered.
 *
 * @module
 */

/** Where offline support stands. */
export type OfflineState =
  | { readonly kind: "unsupported"; readonly reason: string }
  | { readonly kind: "installing" }
  | { readonly kind: "ready" }
  | { readonly kind: "failed"; readonly reason: string };

/**
 * Register /sw.js; resolves when it is active (the app shell and onnxruntime are cached).
 *
 * @example
 * ```ts
 * const state = await registerServiceWorker();
 * ```
 */
export async function registerServiceWorker(
  nav: Navigator = navigator,
): Promise<OfflineState> {
  if (!("serviceWorker" in nav)) {
    return { kind: "unsupported", reason: "this browser has no service workers" };
  }
  const marker = document.querySelector<HTMLMetaElement>("meta[name=verity-offline]");
  if (marker?.content !== "on") {
    // A plain static server (e.g. the engine tests') has no /sw.js: registering would log a 404.
    return { kind: "unsupported", reason: "this server does not serve the offline worker" };
  }
  try {
    await nav.serviceWorker.register("/sw.js", { scope: "/" });
    await nav.serviceWorker.ready;
    return { kind: "ready" };
  } catch (err) {
    return { kind: "failed", reason: err instanceof Error ? err.message : String(err) };
  }
}
