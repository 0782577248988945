/**
 * The jax-js trainer (tools/forge/train) runs unchanged in headless Chromium on WebGPU
 * (SwiftShader): a bundled entry trains a tiny GQA Llama for a few steps with finite,
 * decreasing loss.
 *
 * @module
 */
import assert from "node:assert/strict";
import { bundleModule } from "../../tools/build.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { startStaticServer } from "../helpers/static_server.ts";

const STEPS = 6;

Deno.test({
  name: "the jax-js trainer trains a tiny Llama in Chromium on WebGPU with finite decreasing loss",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await bundleModule("tools/forge/train/browser_entry.ts", `${dir}/train.js`, false);
    await Deno.writeTextFile(
      `${dir}/index.html`,
      `<!doctype html><meta charset="utf-8"><title>train</title><script type="module" src="/train.js"></script>`,
    );
    const server = startStaticServer([{ prefix: "/", dir }]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => "verityTrain" in globalThis, null, { timeout: 60_000 });
      const hasGpu = await page.evaluate(async () => {
        const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        return gpu !== undefined && (await gpu.requestAdapter()) !== null;
      });
      assert.ok(hasGpu, "Chromium exposes no WebGPU adapter");
      const result = await page.evaluate(
        (steps) =>
          (globalThis as unknown as {
            verityTrain(
              d: string,
              s: number,
            ): Promise<{ device: string; losses: number[]; stepMs: number[] }>;
          }).verityTrain("webgpu", steps),
        STEPS,
      );
      console.log(
        `[webgpu train] losses ${result.losses.map((l) => l.toFixed(4)).join(" ")}; step ms ${
          result.stepMs.map(Math.round).join(" ")
        }`,
      );
      assert.deepEqual(errors, []);
      assert.equal(result.device, "webgpu");
      assert.equal(result.losses.length, STEPS);
      assert.ok(result.losses.every(Number.isFinite), `losses ${result.losses}`);
      assert.ok(Math.abs(result.losses[0]! - Math.log(64)) < 0.3, `first loss ${result.losses[0]}`);
      assert.ok(result.losses.at(-1)! < result.losses[0]! - 0.05, `losses ${result.losses}`);
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
