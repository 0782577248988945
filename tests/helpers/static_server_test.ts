import assert from "node:assert/strict";
import { clientMounts, startStaticServer } from "./static_server.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const CONFIG = "/models/fixtures/target/config.json";

Deno.test("static server serves files with exact MIME types, length, ETag and isolation headers", async () => {
  const server = startStaticServer(clientMounts(ROOT));
  try {
    const size = (await Deno.stat(`${ROOT}${CONFIG}`)).size;
    const res = await fetch(`${server.url}${CONFIG}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("content-length"), String(size));
    assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.equal(res.headers.get("cross-origin-embedder-policy"), "require-corp");
    assert.match(res.headers.get("etag") ?? "", /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal((await res.arrayBuffer()).byteLength, size);

    const wasm = await fetch(`${server.url}/ort/ort-wasm-simd-threaded.wasm`, { method: "HEAD" });
    assert.equal(wasm.headers.get("content-type"), "application/wasm");
    const onnx = await fetch(`${server.url}/models/fixtures/target/onnx/model.onnx`, {
      method: "HEAD",
    });
    assert.equal(onnx.headers.get("content-type"), "application/octet-stream");
    const mjs = await fetch(`${server.url}/ort/ort-wasm-simd-threaded.mjs`, { method: "HEAD" });
    assert.equal(mjs.headers.get("content-type"), "text/javascript; charset=utf-8");
    const index = await fetch(`${server.url}/`);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.match(await index.text(), /<script type="module" src="\/ui\/dist\/main.js">/);
  } finally {
    await server.close();
  }
});

Deno.test("static server answers HEAD without a body and If-None-Match with 304", async () => {
  const server = startStaticServer(clientMounts(ROOT));
  try {
    const head = await fetch(`${server.url}${CONFIG}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    const etag = head.headers.get("etag") ?? "";
    const again = await fetch(`${server.url}${CONFIG}`, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
    await again.body?.cancel();
    assert.deepEqual(server.requests, [`HEAD ${CONFIG}`, `GET ${CONFIG}`]);
  } finally {
    await server.close();
  }
});

Deno.test("static server refuses unknown files, traversal and other methods", async () => {
  const server = startStaticServer(clientMounts(ROOT));
  try {
    for (
      const path of ["/models/fixtures/nope.json", "/models/%2e%2e/deno.json", "/elsewhere.txt"]
    ) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const post = await fetch(`${server.url}${CONFIG}`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await server.close();
  }
});
