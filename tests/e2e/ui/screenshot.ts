/**
 * Takes the README screenshot from the real page: the server from functions/main.ts, the
 * trained world target with its draft (speculative decoding) on wasm (SwiftShader's WebGPU takes
 * minutes for a Self-RAG run on a busy machine), three answers (the first through Self-RAG, its
 * trace open; the others speculative) and the live stats with the tokens/s chart.
 *
 * `deno run -A tests/e2e/ui/screenshot.ts [out.png]` (default docs/screenshot.png)
 *
 * @module
 */
import { loaded, sendMessage, startUiHarness } from "./harness.ts";

const ROOT = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");

/** Render the screenshot into `out`. */
export async function takeScreenshot(out: string): Promise<void> {
  const h = await startUiHarness();
  try {
    const context = await h.newContext();
    const page = await h.open(context, {
      model: "/models/world/target_lora",
      draft: "/models/world/draft",
      ep: "wasm",
    });
    const result = await loaded(page);
    if (!result.ok) {
      throw new Error(`Cannot take the screenshot as the model failed: ${result.message}`);
    }
    // A Self-RAG answer first (its trace is shown), then two speculative answers (the live
    // stats show the draft's acceptance and gamma of the last one).
    await page.click("details.pipelines summary");
    await page.check("#pipeline-selfrag");
    await page.fill("#max-tokens", "16");
    await sendMessage(page, "In which year was Sheoth Sheozou born?", 240_000);
    await page.uncheck("#pipeline-selfrag");
    await page.check("#pipeline-spec");
    await page.click("details.pipelines summary");
    await page.fill("#max-tokens", "48");
    await sendMessage(page, "What is the capital of Dousistan?", 180_000);
    await sendMessage(page, "Who leads Relmar?", 180_000);
    await page.locator(".msg.assistant").first().locator("details.trace summary").click();
    // Scroll the message list (not the page) to the first answer and its trace.
    await page.evaluate(() => {
      const list = document.getElementById("messages");
      if (list) list.scrollTop = 0;
      scrollTo(0, 0);
    });
    await page.screenshot({ path: out });
    await context.close();
  } finally {
    await h.close();
  }
}

if (import.meta.main) {
  const out = Deno.args[0] ?? `${ROOT}/docs/screenshot.png`;
  await takeScreenshot(out);
  console.log(`wrote ${out}`);
}
