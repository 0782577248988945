import assert from "node:assert/strict";
import {
  cacheKey,
  type FileKey,
  type ModelFileCache,
} from "../../../../client/engine/loader/file_cache.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import type { LoadProgress } from "../../../../client/engine/loader/progress.ts";
import { fixturePath } from "../engine_fixtures.ts";

const FILES = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "onnx/model.onnx",
];

/** Serve the target fixture folder on 127.0.0.1, optionally truncating one file. */
function serveFolder(options: { truncate?: string; missing?: string } = {}) {
  const root = fixturePath("target");
  let gets = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/m\//, "");
    if (!FILES.includes(path) || path === options.missing) {
      return new Response("no", { status: 404 });
    }
    const bytes = await Deno.readFile(`${root}/${path}`);
    const headers = { "content-length": String(bytes.byteLength), etag: `"${bytes.byteLength}"` };
    if (req.method === "HEAD") return new Response(null, { headers });
    gets++;
    const body = path === options.truncate ? bytes.subarray(0, 100) : bytes;
    // Send in 64 KiB chunks so progress has several steps.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < body.byteLength; i += 65536) c.enqueue(body.slice(i, i + 65536));
        c.close();
      },
    });
    return new Response(stream, {
      headers: path === options.truncate ? { etag: headers.etag } : headers,
    });
  });
  const url = `http://127.0.0.1:${server.addr.port}/m/`;
  return { url, gets: () => gets, close: () => server.shutdown() };
}

async function folderBytes(): Promise<number> {
  let n = 0;
  for (const f of FILES) n += (await Deno.stat(`${fixturePath("target")}/${f}`)).size;
  return n;
}

/** An in-memory ModelFileCache (the browser uses the Dexie one; this tests the loader's use of the interface). */
class MapCache implements ModelFileCache {
  readonly map = new Map<string, Uint8Array>();
  get(key: FileKey) {
    return Promise.resolve(this.map.get(cacheKey(key)));
  }
  put(key: FileKey, bytes: Uint8Array) {
    this.map.set(cacheKey(key), bytes);
    return Promise.resolve();
  }
  list() {
    return Promise.resolve([]);
  }
  deletePrefix() {
    return Promise.resolve(0);
  }
}

Deno.test("loading from a URL reports byte progress per file and a total equal to the folder size", async () => {
  const server = serveFolder();
  try {
    const events: LoadProgress[] = [];
    const files = await loadModelFolder({ kind: "url", url: server.url }, {
      onProgress: (p) => events.push(p),
    });
    const total = await folderBytes();
    assert.equal(files.config.vocab_size, 512);
    assert.ok(events.length > FILES.length, "several events");
    assert.ok(events.every((e) => e.overall.total === total), "total known from the first event");
    const last = events.at(-1)!;
    assert.equal(last.overall.loaded, total);
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i]!.overall.loaded >= events[i - 1]!.overall.loaded);
    }
    const onnx = events.filter((e) => e.file === "onnx/model.onnx");
    assert.ok(onnx.length > 2, "the big file reports progress while downloading");
    assert.equal(onnx.at(-1)!.loaded, onnx.at(-1)!.total);
  } finally {
    await server.close();
  }
});

Deno.test("a second load with a cache downloads nothing and reports every file as cached", async () => {
  const server = serveFolder();
  try {
    const cache = new MapCache();
    await loadModelFolder({ kind: "url", url: server.url }, { cache });
    const gets = server.gets();
    const events: LoadProgress[] = [];
    const files = await loadModelFolder({ kind: "url", url: server.url }, {
      cache,
      onProgress: (p) => events.push(p),
    });
    assert.equal(server.gets(), gets);
    assert.ok(events.length > 0 && events.every((e) => e.cached));
    assert.equal(
      files.onnx.byteLength,
      (await Deno.stat(`${fixturePath("target")}/onnx/model.onnx`)).size,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a truncated download and a missing required file fail with ModelLoadError", async () => {
  const truncated = serveFolder({ truncate: "onnx/model.onnx" });
  try {
    await assert.rejects(
      loadModelFolder({ kind: "url", url: truncated.url }),
      (e: Error) => e.name === "ModelLoadError" && /truncated: got 100 of/.test(e.message),
    );
  } finally {
    await truncated.close();
  }
  const missing = serveFolder({ missing: "config.json" });
  try {
    await assert.rejects(
      loadModelFolder({ kind: "url", url: missing.url }),
      (e: Error) =>
        e.name === "ModelLoadError" && /config\.json' is missing \(HTTP 404\)/.test(e.message),
    );
  } finally {
    await missing.close();
  }
});

Deno.test("loading from bytes gives the same files as loading from the path", async () => {
  const root = fixturePath("target");
  const files: Record<string, Uint8Array> = {};
  for (const f of FILES) files[f] = await Deno.readFile(`${root}/${f}`);
  const fromBytes = await loadModelFolder({ kind: "bytes", files });
  const fromPath = await loadModelFolder({ kind: "path", path: root });
  assert.deepEqual(fromBytes.config, fromPath.config);
  assert.deepEqual(fromBytes.onnx, fromPath.onnx);
  await assert.rejects(
    loadModelFolder({ kind: "bytes", files: { "config.json": files["config.json"]! } }),
    (e: Error) => e.name === "ModelLoadError" && /'tokenizer\.json' is missing/.test(e.message),
  );
});
