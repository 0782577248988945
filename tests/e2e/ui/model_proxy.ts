/**
 * A same-origin front for the real server that also serves one extra model folder: requests
 * under `prefix` go to a static server over `dir` (tests/helpers/static_server.ts, with the
 * isolation headers), every other request is forwarded unchanged to the real server. The
 * page then loads a model that lives outside the repository (a folder forged by a test) while
 * everything else, the edge functions included, is the real server's.
 *
 * @module
 */
import { startStaticServer } from "../../helpers/static_server.ts";

/** A running front. */
export interface ModelProxy {
  /** Origin of the front, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  close(): Promise<void>;
}

/** Hop-by-hop headers a proxy must not copy. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host"]);

function copyHeaders(from: Headers): Headers {
  const out = new Headers();
  for (const [k, v] of from) if (!HOP.has(k.toLowerCase())) out.set(k, v);
  return out;
}

/**
 * Start the front on 127.0.0.1 (random port).
 *
 * @example
 * ```ts
 * const proxy = startModelProxy(server.url, "/models/thinking/", folder);
 * await page.goto(`${proxy.url}/?model=/models/thinking`);
 * ```
 */
export function startModelProxy(upstream: string, prefix: string, dir: string): ModelProxy {
  const files = startStaticServer([{ prefix, dir }]);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const target = url.pathname.startsWith(prefix) ? files.url : upstream;
    const body = req.method === "GET" || req.method === "HEAD"
      ? undefined
      : await req.arrayBuffer();
    const res = await fetch(`${target}${url.pathname}${url.search}`, {
      method: req.method,
      headers: copyHeaders(req.headers),
      redirect: "manual",
      ...(body !== undefined ? { body } : {}),
    });
    const headers = copyHeaders(res.headers);
    // fetch() has already decoded a compressed body: its length and encoding no longer hold.
    if (headers.has("content-encoding")) {
      headers.delete("content-encoding");
      headers.delete("content-length");
    }
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      await server.shutdown();
      await files.close();
    },
  };
}
