/**
 * A tiny static file server for browser tests: folders mounted under URL prefixes, served on
 * 127.0.0.1 (random port) with the cross-origin isolation headers (COOP/COEP) that threaded
 * wasm needs, exact MIME types, ETag, Content-Length and HEAD. It mirrors the routes of the
 * real server (functions/static.ts) so browser engine tests do not depend on it.
 *
 * @module
 */
import { MIME_TYPES } from "../../functions/static.ts";
import { z } from "zod";

/** One URL prefix (starting and ending with "/") served from a folder, or one file at an exact path. */
export const StaticMount = z.union([
  z.object({ prefix: z.string().regex(/^\/(.*\/)?$/), dir: z.string().min(1) }),
  z.object({ path: z.string().startsWith("/"), file: z.string().min(1) }),
]);
/** One URL prefix served from a folder, or one file at an exact path. */
export type StaticMount = z.infer<typeof StaticMount>;

/** A running static server. */
export interface StaticServer {
  /** Origin without a trailing slash, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  /** Every request path served so far (method and path), for assertions. */
  readonly requests: readonly string[];
  /** Stop the server and wait until it has closed. */
  close(): Promise<void>;
}

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, wasm threads). */
const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

function mimeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

/** Resolve a request path to a file, refusing anything that escapes its folder. */
function resolve(mounts: readonly StaticMount[], pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.split("/").some((s) => s === "..")) return undefined;
  for (const m of mounts) {
    if ("file" in m) {
      if (decoded === m.path) return m.file;
      continue;
    }
    if (decoded.startsWith(m.prefix)) {
      const rest = decoded.slice(m.prefix.length);
      return rest === "" ? undefined : `${m.dir.replace(/\/$/, "")}/${rest}`;
    }
  }
  return undefined;
}

async function serveFile(req: Request, file: string): Promise<Response> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file);
  } catch {
    return new Response("not found", { status: 404, headers: ISOLATION_HEADERS });
  }
  if (!info.isFile) return new Response("not found", { status: 404, headers: ISOLATION_HEADERS });
  // Weak validator from size and mtime, like most static servers.
  const etag = `W/"${info.size.toString(16)}-${(info.mtime?.getTime() ?? 0).toString(16)}"`;
  const headers = {
    ...ISOLATION_HEADERS,
    "Content-Type": mimeOf(file),
    "Content-Length": String(info.size),
    "ETag": etag,
    "Cache-Control": "no-cache",
  };
  if (req.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers: { ...ISOLATION_HEADERS, ETag: etag } });
  }
  if (req.method === "HEAD") return new Response(null, { headers });
  const handle = await Deno.open(file, { read: true });
  return new Response(handle.readable, { headers });
}

/**
 * Start a static server on 127.0.0.1 with a random port.
 *
 * @example
 * ```ts
 * const server = startStaticServer([{ prefix: "/models/", dir: "models" }]);
 * const res = await fetch(`${server.url}/models/fixtures/target/config.json`);
 * await server.close();
 * ```
 */
export function startStaticServer(mounts: readonly StaticMount[]): StaticServer {
  const parsed = z.array(StaticMount).parse(mounts);
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { pathname } = new URL(req.url);
    requests.push(`${req.method} ${pathname}`);
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed", {
        status: 405,
        headers: { ...ISOLATION_HEADERS, Allow: "GET, HEAD" },
      });
    }
    const file = resolve(parsed, pathname);
    if (file === undefined) {
      return new Response("not found", { status: 404, headers: ISOLATION_HEADERS });
    }
    return serveFile(req, file);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** The mounts of the Verity client under a repository root, as the real server serves them. */
export function clientMounts(root: string, dist = `${root}/client/ui/dist`): StaticMount[] {
  return [
    { path: "/", file: `${root}/client/ui/index.html` },
    { prefix: "/ui/dist/", dir: dist },
    { prefix: "/ui/", dir: `${root}/client/ui` },
    { prefix: "/models/", dir: `${root}/models` },
    { prefix: "/ort/", dir: `${root}/node_modules/onnxruntime-web/dist` },
  ];
}
