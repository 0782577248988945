/**
 * The chat UI offline and on WebGPU, in headless Chromium against the real server: after one
 * online visit the service worker has cached the page, the bundles and onnxruntime's wasm and
 * the engine has cached the model in IndexedDB, so with the network cut (context.setOffline)
 * a reload loads the model and chats. A second page chats on the WebGPU EP (SwiftShader).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { loaded, sendMessage, startUiHarness, type UiHarness } from "./ui/harness.ts";

/** Reload with the network cut, load the model and chat; checks that the network is down. */
async function offlineChat(h: UiHarness, page: Page): Promise<void> {
  const served = new URL(page.url()).origin;
  await page.reload();
  const result = await loaded(page);
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(await page.isVisible("#offline-badge"), true);
  await page.fill("#max-tokens", "24");
  const answer = await sendMessage(page, "Are you still there?");
  assert.ok(answer.text.length > 0, "an answer streamed offline");
  assert.ok(["stop", "length"].includes(answer.done), answer.done);
  await h.screenshot(page, "ui-offline");
  // Proof that the network really was cut: a fetch of an uncached API path fails.
  const health = await page.evaluate(async (url) => {
    try {
      return String((await fetch(`${url}/health`)).status);
    } catch (err) {
      return (err as Error).name;
    }
  }, served);
  assert.equal(health, "TypeError");
}

Deno.test({
  name: "the chat UI works offline after the first load and chats on WebGPU",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h = await startUiHarness();
    try {
      const context = await h.newContext();
      const page = await h.open(context, { ep: "wasm" });

      await t.step("the first visit installs the offline cache and caches the model", async () => {
        const first = await loaded(page);
        assert.ok(first.ok, JSON.stringify(first));
        const offline = await page.evaluate(() =>
          (globalThis as unknown as { verityPage: { offline: Promise<{ kind: string }> } })
            .verityPage.offline
        );
        assert.deepEqual(offline, { kind: "ready" });
        const cached = await page.evaluate(async () => {
          const names = await caches.keys();
          const urls: string[] = [];
          for (const n of names) {
            for (const r of await (await caches.open(n)).keys()) urls.push(new URL(r.url).pathname);
          }
          return urls.sort();
        });
        for (
          const path of [
            "/",
            "/ort/ort-wasm-simd-threaded.asyncify.wasm",
            "/ui/dist/engine_worker.js",
            "/ui/dist/main.js",
            "/ui/dist/uplot.css",
            "/ui/style.css",
          ]
        ) assert.ok(cached.includes(path), `${path} is cached: ${cached}`);
      });

      await t.step("with the network cut, a reload loads the model and chats", async () => {
        await page.reload(); // now controlled by the service worker
        assert.ok((await loaded(page)).ok);
        await context.setOffline(true);
        try {
          await offlineChat(h, page);
        } finally {
          await context.setOffline(false);
        }
      });
      // The failed /health fetch of offlineChat is the one expected console error.
      h.problems.splice(0, h.problems.length, ...h.problems.filter((p) => !/\/health/.test(p)));

      await t.step("tokens stream on the WebGPU EP (SwiftShader)", async () => {
        const gpu = await h.open(context, { ep: "webgpu" });
        const result = await loaded(gpu);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.info.ep, "webgpu");
        assert.equal(await gpu.textContent("#ep-badge"), "WebGPU");
        await gpu.click("#new-conversation");
        await gpu.fill("#max-tokens", "16");
        const answer = await sendMessage(gpu, "Hello on the GPU", 180_000);
        assert.ok(answer.text.length > 0);
        assert.ok(["stop", "length"].includes(answer.done), answer.done);
        assert.match((await gpu.textContent(".msg.assistant:last-child .meta")) ?? "", /webgpu/);
        await h.screenshot(gpu, "ui-webgpu");
        await gpu.close();
      });

      assert.deepEqual(h.problems, [], "no console errors or page errors");
      assert.deepEqual(h.foreign, [], "no request leaves the page's origin");
      await context.close();
    } finally {
      await h.close();
    }
  },
});
