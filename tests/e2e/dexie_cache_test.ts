/**
 * DexieModelCache on real IndexedDB in headless Chromium: the module is bundled for browsers
 * and imported into a page on a static test server; every step uses a fresh browser context,
 * so each starts with an empty database.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { findQuotaError } from "../../client/engine/loader/dexie_cache.ts";
import { bundleModule } from "../../tools/build.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { startStaticServer } from "../helpers/static_server.ts";

type CacheModule = typeof import("../../client/engine/loader/dexie_cache.ts");

Deno.test("findQuotaError() finds a QuotaExceededError wrapped by Dexie and nothing else", () => {
  const dom = new DOMException("The quota has been exceeded.", "QuotaExceededError");
  assert.equal(findQuotaError(dom), dom);
  assert.equal(findQuotaError({ name: "AbortError", inner: dom }), dom);
  assert.equal(findQuotaError(new Error("outer", { cause: dom })), dom);
  assert.equal(findQuotaError(new DOMException("gone", "AbortError")), undefined);
  assert.equal(findQuotaError(undefined), undefined);
  assert.equal(findQuotaError("QuotaExceededError"), undefined);
});

/** Run `fn` in a fresh context's page with the bundled cache module loaded as `mod`. */
async function inPage<A, R>(
  browser: Browser,
  origin: string,
  fn: (mod: CacheModule, arg: A) => Promise<R>,
  arg: A,
): Promise<R> {
  const context = await browser.newContext();
  try {
    const page: Page = await context.newPage();
    await page.goto(`${origin}/`);
    return await page.evaluate(
      async ([source, a]) => {
        const mod = await import(`${location.origin}/lib/dexie_cache.js`);
        // The function text crosses into the page; it only uses its arguments.
        return await (0, eval)(`(${source})`)(mod, a);
      },
      [fn.toString(), arg] as const,
    ) as R;
  } finally {
    await context.close();
  }
}

Deno.test({
  name: "DexieModelCache stores, lists, deletes and guards model files on real IndexedDB",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const dir = await Deno.makeTempDir({ prefix: "verity-dexie-" });
    await Deno.writeTextFile(`${dir}/index.html`, "<!doctype html><title>dexie cache</title>");
    await bundleModule("client/engine/loader/dexie_cache.ts", `${dir}/dexie_cache.js`);
    const server = startStaticServer([{ path: "/", file: `${dir}/index.html` }, {
      prefix: "/lib/",
      dir,
    }]);
    const browser = await launchChromium();
    try {
      await t.step(
        "get() returns exactly the bytes put under the same url, size and etag",
        async () => {
          const r = await inPage(browser, server.url, async (mod) => {
            const cache = new mod.DexieModelCache({
              storage: { estimate: () => Promise.resolve({}) },
            });
            const bytes = new Uint8Array([1, 2, 3, 4, 5]);
            const key = { url: "https://x.test/m/onnx/model.onnx", size: 5, etag: '"a"' };
            await cache.put(key, bytes.subarray(0, 5));
            const hit = await cache.get(key);
            return {
              hit: hit ? [...hit] : null,
              otherEtag: await cache.get({ ...key, etag: '"b"' }) ?? null,
              otherSize: await cache.get({ ...key, size: 6 }) ?? null,
            };
          }, null);
          assert.deepEqual(r, { hit: [1, 2, 3, 4, 5], otherEtag: null, otherSize: null });
        },
      );

      await t.step(
        "list() gives metadata oldest first and deletePrefix() removes only that folder",
        async () => {
          const r = await inPage(browser, server.url, async (mod) => {
            let clock = 1000;
            const cache = new mod.DexieModelCache({
              storage: { estimate: () => Promise.resolve({}) },
              now: () => clock--,
            });
            const put = (url: string) =>
              cache.put({ url, size: 1, etag: null }, new Uint8Array([7]));
            await put("https://x.test/a/config.json");
            await put("https://x.test/b/config.json");
            await put("https://x.test/a/tokenizer.json");
            const listed = await cache.list();
            const removed = await cache.deletePrefix("https://x.test/a/");
            return {
              listed,
              removed,
              after: (await cache.list()).map((f) => f.url),
              gone: await cache.get({ url: "https://x.test/a/config.json", size: 1, etag: null }) ??
                null,
            };
          }, null);
          assert.deepEqual(r.listed, [
            { url: "https://x.test/a/tokenizer.json", size: 1, etag: null, storedAt: 998 },
            { url: "https://x.test/b/config.json", size: 1, etag: null, storedAt: 999 },
            { url: "https://x.test/a/config.json", size: 1, etag: null, storedAt: 1000 },
          ]);
          assert.equal(r.removed, 2);
          assert.deepEqual(r.after, ["https://x.test/b/config.json"]);
          assert.equal(r.gone, null);
        },
      );

      await t.step("get() treats a row whose bytes do not match its length as a miss", async () => {
        const r = await inPage(browser, server.url, async (mod) => {
          const cache = new mod.DexieModelCache({
            dbName: "damaged",
            storage: { estimate: () => Promise.resolve({}) },
          });
          const key = { url: "https://x.test/m/tokenizer.json", size: null, etag: null };
          await cache.put(key, new Uint8Array([1, 2, 3]));
          cache.close();
          // Overwrite the bytes behind the cache's back, as a damaged store would hold them.
          const db = await new Promise<IDBDatabase>((res, rej) => {
            const req = indexedDB.open("damaged");
            req.onsuccess = () => res(req.result);
            req.onerror = () => rej(req.error);
          });
          await new Promise<void>((res, rej) => {
            const tx = db.transaction("blobs", "readwrite");
            tx.objectStore("blobs").put({
              key: `${key.url}|?|`,
              bytes: new Uint8Array([1]).buffer,
            });
            tx.oncomplete = () => res();
            tx.onerror = () => rej(tx.error);
          });
          db.close();
          const reopened = new mod.DexieModelCache({ dbName: "damaged" });
          return (await reopened.get(key)) ?? null;
        }, null);
        assert.equal(r, null);
      });

      await t.step(
        "put() asks for persistence once and refuses a file larger than the free quota",
        async () => {
          const r = await inPage(browser, server.url, async (mod) => {
            let persistCalls = 0;
            const storage = {
              estimate: () => Promise.resolve({ usage: 900, quota: 1000 }),
              persist: () => Promise.resolve(++persistCalls > 0),
            };
            const cache = new mod.DexieModelCache({ storage });
            await cache.put(
              { url: "https://x.test/m/config.json", size: 100, etag: null },
              new Uint8Array(100),
            );
            let error: { name: string; message: string } | null = null;
            try {
              await cache.put(
                { url: "https://x.test/m/onnx/model.onnx", size: 101, etag: null },
                new Uint8Array(101),
              );
            } catch (e) {
              error = { name: (e as Error).name, message: (e as Error).message };
            }
            return { persistCalls, error, listed: (await cache.list()).map((f) => f.url) };
          }, null);
          assert.equal(r.persistCalls, 1);
          assert.deepEqual(r.error, {
            name: "StorageQuotaError",
            message:
              "Cannot cache model file 'model.onnx' (101 bytes) as browser storage is full: usage 900 of quota 1000 bytes leaves 100 bytes free (from https://x.test/m/onnx/model.onnx)",
          });
          assert.deepEqual(r.listed, ["https://x.test/m/config.json"]);
        },
      );
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
