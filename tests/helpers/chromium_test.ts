import assert from "node:assert/strict";
import { chromiumExecutable, launchChromium, SYSTEM_CHROMIUM } from "./chromium.ts";
import { startStaticServer } from "./static_server.ts";

Deno.test({
  name: "launchChromium() gives a cross-origin isolated page on 127.0.0.1 a WebGPU adapter",
  // Playwright keeps its browser pipe open until close.
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/index.html`, "<!doctype html><title>probe</title>");
    const server = startStaticServer([{ path: "/", file: `${dir}/index.html` }]);
    const executable = await chromiumExecutable();
    const browser = await launchChromium({ executablePath: executable });
    try {
      const hasSystem = await Deno.stat(SYSTEM_CHROMIUM).then(() => true, () => false);
      if (!hasSystem) {
        assert.notEqual(executable, SYSTEM_CHROMIUM, "falls back to @sparticuz/chromium");
      }
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      const probe = await page.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        const adapter = gpu === undefined ? null : await gpu.requestAdapter();
        return {
          isolated: crossOriginIsolated,
          hasGpu: gpu !== undefined,
          adapter: adapter !== null,
        };
      });
      assert.deepEqual(probe, { isolated: true, hasGpu: true, adapter: true });
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
