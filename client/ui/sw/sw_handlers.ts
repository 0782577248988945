/**
 * The handlers of the offline service worker (entry: sw.ts). On install they cache the page,
 * the bundles and onnxruntime's wasm listed in /ui/dist/build.json; then they serve requests
 * by the policy of sw_routes.ts, so after the first load the app starts and chats with the
 * network cut.
 *
 * @module
 */
import {
  BUILD_MANIFEST,
  type BuildManifest,
  CACHE_PREFIX,
  cacheKeyOf,
  parseBuildManifest,
  swStrategy,
} from "./sw_routes.ts";

/** The parts of the service worker scope used here (the project's libs lack webworker types). */
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(r: Promise<Response>): void;
}
/** The service worker global scope, as far as the handlers use it. */
export interface SwScope {
  addEventListener(type: "install" | "activate", l: (e: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", l: (e: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const MODEL_DB = "verity-model-files";

async function readManifest(): Promise<BuildManifest> {
  const res = await fetch(BUILD_MANIFEST, { cache: "no-store" });
  if (!res.ok) {
    throw new Error(`Cannot install the offline cache as ${BUILD_MANIFEST} answered ${res.status}`);
  }
  return parseBuildManifest(await res.json());
}

/** How long the shell waits for the network before it serves its cached copy, ms. */
export const NETWORK_WAIT_MS = 4000;

async function networkFirst(request: Request, cacheName: string, key: string): Promise<Response> {
  const network = fetch(request).then((res) => {
    if (res.ok && request.method === "GET") {
      const copy = res.clone();
      caches.open(cacheName).then((c) => c.put(key, copy)).catch(() => {});
    }
    return res;
  });
  network.catch(() => {}); // when the cached copy was served, a late failure is expected
  const cached = async () => {
    const hit = await caches.match(key, { ignoreMethod: true });
    return hit === undefined || request.method !== "HEAD" ? hit : new Response(null, hit);
  };
  // An unreachable server that never answers (rather than refusing) must not hang the app:
  // after NETWORK_WAIT_MS the cached copy is served, and the network still refreshes the cache.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<"slow">((resolve) => {
    timer = setTimeout(() => resolve("slow"), NETWORK_WAIT_MS);
  });
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") return first;
    return (await cached()) ?? await network;
  } catch (err) {
    const hit = await cached();
    if (hit === undefined) throw err;
    return hit;
  } finally {
    clearTimeout(timer);
  }
}

async function cacheFirst(request: Request, cacheName: string, key: string): Promise<Response> {
  const hit = await caches.match(key, { ignoreMethod: true });
  if (hit !== undefined) return request.method === "HEAD" ? new Response(null, hit) : hit;
  const res = await fetch(request);
  if (res.ok && request.method === "GET") {
    const copy = res.clone();
    await caches.open(cacheName).then((c) => c.put(key, copy)).catch(() => {});
  }
  return res;
}

/** The newest metadata row of the engine's model cache for `url`, via raw IndexedDB. */
function cachedModelFile(url: string): Promise<{ byteLength: number; etag: string | null } | null> {
  return new Promise((resolve) => {
    const open = indexedDB.open(MODEL_DB);
    // The database does not exist yet: do not create it (Dexie owns its schema).
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      try {
        const req = db.transaction("files").objectStore("files").index("url").getAll(url);
        req.onsuccess = () => {
          const rows =
            (req.result as { byteLength?: number; etag?: string | null; storedAt?: number }[])
              .filter((r) => typeof r.byteLength === "number")
              .sort((a, b) => (b.storedAt ?? 0) - (a.storedAt ?? 0));
          const row = rows[0];
          db.close();
          resolve(
            row === undefined ? null : { byteLength: row.byteLength ?? 0, etag: row.etag ?? null },
          );
        };
        req.onerror = () => (db.close(), resolve(null));
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}

async function modelFile(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (err) {
    if (request.method !== "HEAD") throw err;
    const row = await cachedModelFile(request.url);
    if (row === null) throw err;
    const headers = new Headers({ "Content-Length": String(row.byteLength) });
    if (row.etag !== null) headers.set("ETag", row.etag);
    return new Response(null, { status: 200, headers });
  }
}

/**
 * Install the handlers on a service worker scope.
 *
 * @example
 * ```ts
 * startServiceWorker(self);
 * ```
 */
export function startServiceWorker(scope: SwScope): void {
  let version: Promise<string> | undefined;
  // The version comes from the build manifest; offline (a restarted worker cannot fetch it)
  // it is the newest cache of ours. A failed lookup is retried on the next request.
  const cacheName = async (): Promise<string> => {
    version ??= readManifest().then((m) => m.version);
    try {
      return `${CACHE_PREFIX}${await version}`;
    } catch {
      version = undefined;
      const ours = (await caches.keys()).filter((n) => n.startsWith(CACHE_PREFIX));
      return ours.at(-1) ?? `${CACHE_PREFIX}offline`;
    }
  };

  scope.addEventListener("install", (event) => {
    event.waitUntil((async () => {
      const manifest = await readManifest();
      version = Promise.resolve(manifest.version);
      const cache = await caches.open(`${CACHE_PREFIX}${manifest.version}`);
      await cache.addAll(manifest.precache.map((p) => new Request(p, { cache: "no-store" })));
      await scope.skipWaiting();
    })());
  });

  scope.addEventListener("activate", (event) => {
    event.waitUntil((async () => {
      const keep = await cacheName();
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== keep) await caches.delete(name);
      }
      await scope.clients.claim();
    })());
  });

  scope.addEventListener("fetch", (event) => {
    const url = new URL(event.request.url);
    if (url.origin !== scope.location.origin) return;
    const strategy = swStrategy(url.pathname, event.request.method);
    if (strategy === "network-only") return;
    const key = cacheKeyOf(url);
    event.respondWith((async () => {
      if (strategy === "model-file") return await modelFile(event.request);
      const name = await cacheName();
      return strategy === "cache-first"
        ? await cacheFirst(event.request, name, key)
        : await networkFirst(event.request, name, key);
    })());
  });
}
