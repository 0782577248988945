/**
 * A real WebGPU device loss in headless Chromium (WebGPU on SwiftShader) against the real server:
 * the GPU process is crashed through the DevTools protocol (`Browser.crashGpuProcess`, what
 * chrome://gpucrash does; Chromium refuses to navigate to chrome://gpucrash or chrome://gpuclean
 * from an automated page), so every GPUDevice of the browser is lost, the engine worker's
 * included. The page must name the loss, offer its recoveries, and chat again after each.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { loaded, sendMessage, startUiHarness, type UiHarness } from "./ui/harness.ts";

/** Crash Chromium's GPU process: every WebGPU device in the browser is lost. */
async function crashGpuProcess(h: UiHarness): Promise<void> {
  const cdp = await h.browser.newBrowserCDPSession();
  try {
    await cdp.send("Browser.crashGpuProcess");
  } finally {
    await cdp.detach();
  }
}

/** Length of the streaming (or last) answer's text. */
function answerLength(page: Page): Promise<number> {
  return page.evaluate(() =>
    document.querySelector(".msg.assistant:last-child")?.textContent?.length ?? 0
  );
}

/** Send without waiting for an answer (it is expected to fail). */
async function submit(page: Page, text: string): Promise<void> {
  await page.fill("#prompt", text);
  await page.press("#prompt", "Enter");
}

/** Wait for the device-lost banner; its text. */
async function deviceLostBanner(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForSelector("#errors[data-kind=device-lost]", { timeout: timeoutMs });
  return (await page.textContent("#errors")) ?? "";
}

const LOST_DETAIL = /DeviceLostError: Cannot run as the WebGPU device was lost \(\w+\)/;

Deno.test({
  name: "a lost WebGPU device shows its message and the page chats again after each recovery",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h: UiHarness = await startUiHarness();
    try {
      const context = await h.newContext();
      const page = await h.open(context, { ep: "webgpu" });

      await t.step("the page answers on WebGPU before the loss", async () => {
        const result = await loaded(page);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.info.ep, "webgpu");
        await page.click("#new-conversation");
        await page.fill("#max-tokens", "8");
        const answer = await sendMessage(page, "Hello before the crash", 180_000);
        assert.ok(answer.text.length > 0, JSON.stringify(answer));
      });

      await t.step(
        "a loss during generation ends the answer with the device-lost message",
        async () => {
          await page.fill("#max-tokens", "400");
          await submit(page, "Tell me a very long story");
          // Crash once tokens stream, so the loss lands in the middle of decoding.
          await page.waitForFunction(
            () =>
              (document.querySelector(".msg.assistant:last-child")?.textContent?.length ?? 0) > 0,
            undefined,
            { timeout: 180_000 },
          );
          const before = await answerLength(page);
          const streaming = await page.getAttribute(".msg.assistant:last-child", "aria-busy");
          assert.equal(streaming, "true", "the answer is still streaming when the GPU crashes");
          const t0 = performance.now();
          await crashGpuProcess(h);
          const text = await deviceLostBanner(page, 60_000);
          console.log(
            `device-lost banner ${Math.round(performance.now() - t0)} ms after the crash ` +
              `(answer had ${before} chars)`,
          );
          assert.match(text, /The WebGPU device was lost/);
          assert.match(text, LOST_DETAIL);
          assert.match(text, /Restart on WebGPU/);
          assert.match(text, /Continue on wasm/);
          await h.screenshot(page, "ui-device-lost");
        },
      );

      await t.step("Restart on WebGPU loads a fresh engine on a new device and chats", async () => {
        await page.click("#errors [data-action=restart-webgpu]");
        const again = await loaded(page);
        assert.ok(again.ok, JSON.stringify(again));
        assert.equal(again.info.ep, "webgpu");
        assert.equal(await page.isHidden("#errors"), true);
        await page.fill("#max-tokens", "8");
        const answer = await sendMessage(page, "Hello after the restart", 180_000);
        assert.ok(answer.text.length > 0, JSON.stringify(answer));
        assert.match((await page.textContent(".msg.assistant:last-child .meta")) ?? "", /webgpu/);
      });

      await t.step(
        "after a loss while idle the next message fails at once with the loss",
        async () => {
          await crashGpuProcess(h);
          // The worker learns of the loss asynchronously; give `lost` a moment to resolve.
          await page.waitForTimeout(1_000);
          const t0 = performance.now();
          await submit(page, "Are you still there?");
          const text = await deviceLostBanner(page, 30_000);
          console.log(`idle loss: banner ${Math.round(performance.now() - t0)} ms after sending`);
          assert.match(text, LOST_DETAIL);
        },
      );

      await t.step("Continue on wasm loads the model on the CPU and chats", async () => {
        await page.click("#errors [data-action=restart-wasm]");
        const again = await loaded(page);
        assert.ok(again.ok, JSON.stringify(again));
        assert.equal(again.info.ep, "wasm");
        assert.equal(await page.textContent("#ep-badge"), "wasm");
        const answer = await sendMessage(page, "Hello on the CPU", 120_000);
        assert.ok(answer.text.length > 0, JSON.stringify(answer));
        assert.equal(await page.isHidden("#errors"), true);
      });

      // Expected: Chromium and onnxruntime log the lost device; nothing else may be reported.
      const unexpected = h.problems.filter((p) => !/lost|destroyed|Instance reference/i.test(p));
      if (h.problems.length > 0) console.log(`console problems:\n${h.problems.join("\n")}`);
      assert.deepEqual(unexpected, [], "no unexpected console errors or page errors");
      assert.deepEqual(h.foreign, [], "no request leaves the page's origin");
      await context.close();
    } finally {
      await h.close();
    }
  },
});
