/**
 * Static files of the browser client for the Deno server (never used by the worker):
 * `/` (client/ui/index.html with its offline marker turned on) and `/ui/*` from client/ui (`/ui/dist/*` from the bundle folder), `/sw.js` (the offline
 * service worker, from the bundle folder, so its scope is the whole origin), `/models/*` from
 * models, `/ort/*` from node_modules/onnxruntime-web/dist. Paths are confined to their folder.
 * `/models/manifest.json`, when no such file exists, is the union of the manifests one folder
 * down (models/fixtures/manifest.json, models/fixtures/lora_manifest.json,
 * models/world/manifest.json, ...) with their names and paths prefixed by the folder
 * (models_manifest.ts): the bundled models, each target's paired draft, and the bundled
 * adapters with the model that serves them.
 *
 * @module
 */
import { mergeModelManifests } from "./models_manifest.ts";

/** Content types by file extension (wasm and mjs need exact types for browsers to load them). */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  wasm: "application/wasm",
  onnx: "application/octet-stream",
  bin: "application/octet-stream",
  data: "application/octet-stream",
  safetensors: "application/octet-stream",
  txt: "text/plain; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  webmanifest: "application/manifest+json",
};

/** A URL prefix served from a folder. */
export interface StaticMount {
  /** URL prefix ending in "/", e.g. "/ui/". */
  readonly prefix: string;
  /** Absolute folder path. */
  readonly dir: string;
}

/**
 * The client's mounts under a project root (absolute path, no trailing slash); `distDir` is
 * the bundle folder (default client/ui/dist; tests build into a temporary one).
 */
export function clientMounts(root: string, distDir = `${root}/client/ui/dist`): StaticMount[] {
  return [
    { prefix: "/ui/dist/", dir: distDir },
    { prefix: "/ui/", dir: `${root}/client/ui` },
    { prefix: "/models/", dir: `${root}/models` },
    { prefix: "/ort/", dir: `${root}/node_modules/onnxruntime-web/dist` },
  ];
}

function mimeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

/** Decode a URL path remainder into safe segments, or undefined when any is unsafe. */
function safeSegments(rest: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rest.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

async function fileResponse(
  path: string,
  dir: string,
  head: boolean,
): Promise<Response | undefined> {
  try {
    const [real, realDir] = await Promise.all([Deno.realPath(path), Deno.realPath(dir)]);
    if (!real.startsWith(`${realDir}/`)) return undefined;
    const info = await Deno.stat(real);
    if (!info.isFile) return undefined;
    const headers = {
      "Content-Type": mimeOf(real),
      "Content-Length": String(info.size),
      "Cache-Control": "no-cache",
    };
    if (head) return new Response(null, { headers });
    const file = await Deno.open(real, { read: true });
    return new Response(file.readable, { headers });
  } catch {
    return undefined;
  }
}

/**
 * A handler answering GET/HEAD for `/` (client/ui/index.html) and the mounts; undefined for
 * anything else (including missing files), so the caller falls through to the API.
 *
 * @example
 * ```ts
 * const serveClient = staticHandler(clientMounts("/srv/verity"));
 * const res = (await serveClient(req)) ?? (await app.fetch(req));
 * ```
 */
export function staticHandler(
  mounts: readonly StaticMount[],
): (request: Request) => Promise<Response | undefined> {
  const ui = mounts.find((m) => m.prefix === "/ui/");
  const dist = mounts.find((m) => m.prefix === "/ui/dist/");
  const models = mounts.find((m) => m.prefix === "/models/");
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return undefined;
    const head = request.method === "HEAD";
    const { pathname } = new URL(request.url);
    if (pathname === "/" && ui !== undefined) return await pageResponse(ui.dir, head);
    if (pathname === "/sw.js" && dist !== undefined) {
      return await fileResponse(`${dist.dir}/sw.js`, dist.dir, head);
    }
    if (pathname === "/models/manifest.json" && models !== undefined) {
      return (await fileResponse(`${models.dir}/manifest.json`, models.dir, head)) ??
        (await mergedManifest(models.dir, head));
    }
    const mount = mounts.find((m) => pathname.startsWith(m.prefix));
    if (mount === undefined) return undefined;
    const segments = safeSegments(pathname.slice(mount.prefix.length));
    if (segments === undefined) return undefined;
    const path = [mount.dir, ...segments].join("/");
    const direct = await fileResponse(path, mount.dir, head);
    return direct ??
      (pathname.endsWith("/")
        ? await fileResponse(`${path.replace(/\/$/, "")}/index.html`, mount.dir, head)
        : undefined);
  };
}

/** The marker in client/ui/index.html that this server turns on (it serves /sw.js). */
export const OFFLINE_MARKER = '<meta name="verity-offline" content="off">';

/** index.html with offline support turned on: the page registers /sw.js only when served here. */
async function pageResponse(dir: string, head: boolean): Promise<Response | undefined> {
  let html: string;
  try {
    html = await Deno.readTextFile(`${dir}/index.html`);
  } catch {
    return undefined;
  }
  const body = new TextEncoder().encode(
    html.replace(OFFLINE_MARKER, OFFLINE_MARKER.replace('"off"', '"on"')),
  );
  const headers = {
    "Content-Type": MIME_TYPES.html as string,
    "Content-Length": String(body.byteLength),
    "Cache-Control": "no-cache",
  };
  return new Response(head ? null : body, { headers });
}

/**
 * The manifests of the folders directly under `dir`, merged by {@link mergeModelManifests}
 * (models and adapters, paths made relative to `dir`).
 */
async function mergedManifest(dir: string, head: boolean): Promise<Response | undefined> {
  const folders: [string, unknown[]][] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory) continue;
      const names: string[] = [];
      for await (const file of Deno.readDir(`${dir}/${entry.name}`)) {
        // manifest.json, and named ones such as lora_manifest.json, one folder down.
        if (file.isFile && file.name.endsWith("manifest.json")) names.push(file.name);
      }
      const manifests: unknown[] = [];
      for (const name of names.sort()) {
        try {
          manifests.push(JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}/${name}`)));
        } catch {
          continue; // an unreadable manifest is left out
        }
      }
      folders.push([entry.name, manifests]);
    }
  } catch {
    return undefined;
  }
  const body = JSON.stringify(mergeModelManifests(folders));
  const headers = {
    "Content-Type": MIME_TYPES.json as string,
    "Content-Length": String(new TextEncoder().encode(body).byteLength),
    "Cache-Control": "no-cache",
  };
  return new Response(head ? null : body, { headers });
}

/** Cross-origin isolation headers (needed for SharedArrayBuffer, i.e. threaded wasm). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** A copy of `response` with the cross-origin isolation headers set. */
export function withIsolationHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
