/**
 * The engine in real headless Chromium: the bundled page and engine worker (tools/build.ts),
 * served by a static test server, load the fixture target over HTTP into the IndexedDB cache
 * (Dexie), stream greedy output through the form, and agree with the Deno engine on wasm and
 * on WebGPU (SwiftShader). Quota failures and a missing model folder come back across the
 * worker as typed errors.
 *
 * Timings on 2 cores shared with other jobs; the test prints its own at the end. Load
 * average 5-7: 73-80 s in all (build and Deno reference 4-5 s in parallel, Chromium launch
 * 0.5 s, first wasm load 10.7 s, reload from the cache 6.5-7 s, WebGPU load 14-15 s, first
 * WebGPU generation of 24 tokens 20-28 s, the other steps about 1 s each). Load average 8-9:
 * 111-116 s. The loads are dominated by onnxruntime's first session in a fresh worker (the
 * second session in the same worker takes about 1 s), the WebGPU step by SwiftShader
 * compiling every shader on first use.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BrowserContext } from "playwright-core";
import { createEngine } from "../../client/engine/engine.ts";
import { folderFiles } from "../../client/engine/loader/model_files.ts";
import { configureOrt } from "../../client/engine/ort.ts";
import { buildClient } from "../../tools/build.ts";
import { chromiumExecutable, launchChromium } from "../helpers/chromium.ts";
import { clientMounts, startStaticServer } from "../helpers/static_server.ts";
import {
  cachedFiles,
  generateInPage,
  openPage,
  progressEvents,
  waitLoaded,
} from "./browser_page.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE = `${ROOT}/models/fixtures/target`;
const PROMPT = "Hello there, who are you?";
const MAX_TOKENS = 24;

/** Sizes of the files the loader fetches for fp32, by folder-relative path. */
async function fixtureSizes(): Promise<Map<string, number>> {
  const { required, optional } = folderFiles("fp32");
  const sizes = new Map<string, number>();
  for (const f of [...required, ...optional]) {
    sizes.set(f, (await Deno.stat(`${FIXTURE}/${f}`)).size);
  }
  return sizes;
}

/** Greedy chat output of the fixture target from the in-process Deno engine on wasm. */
async function denoGreedy(): Promise<string> {
  configureOrt({ numThreads: 1 });
  const engine = await createEngine({ model: { kind: "path", path: FIXTURE }, ep: "wasm" });
  try {
    const reply = await engine.chat.completions.create({
      messages: [{ role: "user", content: PROMPT }],
      max_tokens: MAX_TOKENS,
      temperature: 0,
    });
    return reply.choices[0]?.message.content ?? "";
  } finally {
    await engine.dispose();
  }
}

/** Make the worker's navigator.storage.estimate() report a fixed usage and quota. */
async function stubEstimate(context: BrowserContext, usage: number, quota: number): Promise<void> {
  // The cache runs in the engine worker, where init scripts do not reach: prepend the stub to
  // the worker bundle as it is served. This simulates the estimate only, not real storage.
  await context.route("**/ui/dist/engine_worker.js", async (route) => {
    const res = await route.fetch();
    const stub =
      `StorageManager.prototype.estimate = async () => ({ usage: ${usage}, quota: ${quota} });\n`;
    await route.fulfill({ response: res, body: stub + await res.text() });
  });
}

Deno.test({
  name: "the browser engine loads, caches and generates like the Deno engine in headless Chromium",
  // onnxruntime (Deno reference) keeps wasm timers; Playwright keeps its pipe open until close.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const timings: Record<string, number> = {};
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[label] = Math.round(performance.now() - t0);
      }
    };
    const dist = await Deno.makeTempDir({ prefix: "verity-dist-" });
    const sizes = await fixtureSizes();
    const folderBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
    const [, expected, executable] = await Promise.all([
      timed("build", () => buildClient({ outDir: dist })),
      timed("deno reference", denoGreedy),
      chromiumExecutable(),
    ]);
    const server = startStaticServer(clientMounts(ROOT, dist));
    const browser = await timed("launch", () => launchChromium({ executablePath: executable }));
    const context = await browser.newContext();
    const foreign: string[] = [];
    context.on("request", (r) => {
      if (!r.url().startsWith(`${server.url}/`)) foreign.push(r.url());
    });
    try {
      assert.ok(expected.length > 0, "the Deno engine produced text");
      const { page, problems } = await openPage(context, server.url, { ep: "wasm" });

      await t.step(
        "the page loads the model through the worker with byte progress per file and in total",
        async () => {
          const loaded = await timed("wasm load (network)", () => waitLoaded(page));
          assert.ok(loaded.ok, `load failed: ${JSON.stringify(loaded)}`);
          assert.equal(loaded.info.ep, "wasm");
          assert.match((await page.textContent("#ep")) ?? "", /wasm \(wasm was requested\)/);
          const events = await progressEvents(page);
          for (const [file, size] of sizes) {
            const last = events.filter((e) => e.file === file).at(-1);
            assert.deepEqual(
              last && { loaded: last.loaded, total: last.total, cached: last.cached },
              { loaded: size, total: size, cached: false },
              file,
            );
          }
          // Every file is HEADed first, so the total is known from the first event on.
          assert.ok(
            events.every((e) => e.overall.total === folderBytes),
            "overall total equals the folder size",
          );
          assert.equal(events.at(-1)?.overall.loaded, folderBytes);
          assert.equal(await page.getAttribute("#total-progress", "value"), String(folderBytes));
          assert.equal(await page.locator("#files li").count(), sizes.size);
          assert.deepEqual(
            (await cachedFiles(page)).entries.map((e) =>
              e.url.slice(`${server.url}/models/fixtures/target/`.length)
            ).sort(),
            [...sizes.keys()].sort(),
          );
        },
      );

      await t.step("greedy output on the wasm EP equals the Deno engine's", async () => {
        const out = await timed("wasm generate", () => generateInPage(page, PROMPT, MAX_TOKENS));
        assert.deepEqual(out, { text: expected, done: "stop" });
      });

      await t.step(
        "a reload loads every file from the cache and gives the same greedy output",
        async () => {
          const before = server.requests.length;
          await page.reload();
          const loaded = await timed("wasm load (cache)", () => waitLoaded(page));
          assert.ok(loaded.ok, `load failed: ${JSON.stringify(loaded)}`);
          const events = await progressEvents(page);
          assert.deepEqual(new Set(events.map((e) => e.file)), new Set(sizes.keys()));
          assert.ok(events.every((e) => e.cached), "every file is reported cached");
          const modelGets = server.requests.slice(before).filter((r) =>
            r.startsWith("GET /models/")
          );
          assert.deepEqual(modelGets, [], "no model file is downloaded again");
          const out = await generateInPage(page, PROMPT, MAX_TOKENS);
          assert.deepEqual(out, { text: expected, done: "stop" });
        },
      );

      await t.step("Stop aborts a streaming generation", async () => {
        // This prompt runs to the 400-token limit (no EOS) in the Deno engine: seconds of decoding.
        await page.fill("#prompt", "Tell me a long story about the river.");
        await page.fill("#max-tokens", "400");
        await page.click("#generate");
        await page.waitForFunction(() =>
          (document.getElementById("output")?.textContent ?? "").length > 0
        );
        // A plain dispatch: click() first waits for layout stability, which took up to 9 s on
        // busy cores while the worker decodes, long enough for the generation to finish.
        await page.locator("#stop").dispatchEvent("click");
        await page.waitForSelector("#output[data-done]", { state: "attached" });
        assert.equal(await page.getAttribute("#output", "data-done"), "aborted");
        assert.equal(await page.getAttribute("#status", "data-error"), null);
        assert.equal(await page.isDisabled("#generate"), false);
      });

      await t.step(
        "greedy output on the WebGPU EP (SwiftShader) equals the Deno engine's",
        async () => {
          const gpu = await openPage(context, server.url, { ep: "webgpu" });
          const loaded = await timed("webgpu load (cache)", () => waitLoaded(gpu.page));
          assert.ok(loaded.ok, `load failed: ${JSON.stringify(loaded)}`);
          assert.equal(loaded.info.ep, "webgpu");
          const out = await timed(
            "webgpu generate",
            () => generateInPage(gpu.page, PROMPT, MAX_TOKENS, 150_000),
          );
          assert.deepEqual(out, { text: expected, done: "stop" });
          assert.deepEqual(gpu.problems, []);
          await gpu.page.close();
        },
      );

      assert.deepEqual(problems, []);
      await page.close();

      await t.step(
        "a quota estimate smaller than a file gives StorageQuotaError naming file, size, usage and quota",
        async () => {
          const ctx = await browser.newContext();
          try {
            await stubEstimate(ctx, 0, 10_000);
            const { page } = await openPage(ctx, server.url, { ep: "wasm" });
            const loaded = await waitLoaded(page);
            assert.ok(!loaded.ok);
            assert.equal(loaded.name, "StorageQuotaError");
            assert.match(
              loaded.message,
              /^Cannot cache model file 'tokenizer\.json' \(21332 bytes\) as browser storage is full: usage 0 of quota 10000 bytes/,
            );
            assert.equal(await page.getAttribute("#status", "data-error"), "StorageQuotaError");
            // config.json (600 bytes) fitted; nothing else was stored.
            assert.deepEqual(
              (await cachedFiles(page)).entries.map((e) => e.url.split("/").at(-1)),
              ["config.json"],
            );
          } finally {
            await ctx.close();
          }
        },
      );

      await t.step(
        "an IndexedDB QuotaExceededError becomes StorageQuotaError and stores no partial file",
        async () => {
          const ctx = await browser.newContext();
          try {
            // Report plenty of room so the write itself is attempted and refused.
            await stubEstimate(ctx, 0, 1e12);
            const { page } = await openPage(ctx, server.url, { ep: "wasm" }, async (p) => {
              // A real, browser-enforced quota (DevTools protocol): IndexedDB refuses the 1 MB graph.
              const cdp = await ctx.newCDPSession(p);
              await cdp.send("Storage.overrideQuotaForOrigin", {
                origin: server.url,
                quotaSize: 200_000,
              });
            });
            const loaded = await waitLoaded(page);
            assert.ok(!loaded.ok);
            assert.equal(loaded.name, "StorageQuotaError");
            assert.equal(loaded.causeName, "QuotaExceededError");
            assert.match(
              loaded.message,
              /^Cannot cache model file 'model\.onnx' \(1026110 bytes\) as the browser refused the write: storage quota exceeded/,
            );
            const stored = await cachedFiles(page);
            assert.deepEqual(stored.entries.map((e) => e.url.split("/").at(-1)).sort(), [
              "config.json",
              "tokenizer.json",
              "tokenizer_config.json",
            ]);
            assert.equal(stored.blobs, stored.entries.length, "no bytes without their entry");
          } finally {
            await ctx.close();
          }
        },
      );

      await t.step("a missing model folder gives ModelLoadError across the worker", async () => {
        const { page } = await openPage(context, server.url, {
          model: "/models/fixtures/missing",
          ep: "wasm",
        });
        const loaded = await waitLoaded(page);
        assert.ok(!loaded.ok);
        assert.equal(loaded.name, "ModelLoadError");
        assert.match(
          loaded.message,
          /^Cannot load model as required file '.*\/models\/fixtures\/missing\/.+' is missing \(HTTP 404\)$/,
        );
        assert.equal(await page.getAttribute("#status", "data-error"), "ModelLoadError");
        await page.close();
      });

      await t.step(
        "an engine worker that fails to load gives EngineStateError instead of hanging",
        async () => {
          const ctx = await browser.newContext();
          try {
            await ctx.route(
              "**/ui/dist/engine_worker.js",
              (route) => route.fulfill({ status: 404, body: "" }),
            );
            const { page } = await openPage(ctx, server.url, { ep: "wasm" });
            const loaded = await waitLoaded(page);
            assert.ok(!loaded.ok);
            assert.equal(loaded.name, "EngineStateError");
            assert.match(
              loaded.message,
              /^Cannot start the engine worker '\/ui\/dist\/engine_worker\.js': /,
            );
          } finally {
            await ctx.close();
          }
        },
      );

      assert.deepEqual(foreign, [], "no request leaves the page's origin");
      assert.ok(
        server.requests.includes("GET /ort/ort-wasm-simd-threaded.asyncify.wasm"),
        "ort wasm is served from /ort/",
      );
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(dist, { recursive: true });
      console.log(`chromium: ${executable}; timings (ms): ${JSON.stringify(timings)}`);
    }
  },
});
