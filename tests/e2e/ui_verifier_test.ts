/**
 * The chat page's prover-verifier best-of-n with the bundled learned verifier, in headless
 * Chromium with the world models: with verifier "learned" the page loads
 * `/models/world/verifier` as a second engine on first use, and the best-of-n trace says the
 * candidates were scored by it; with "arithmetic" the verifier is never loaded.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openLoaded, sendMessage, setField, sideStarted, startUiHarness } from "./ui/harness.ts";

const PROBLEM =
  "Su Thorem buys 4 Teor Mini at 535 coins each. How many coins does Su Thorem spend?";

Deno.test({
  name: "best-of-n in the chat scores its candidates on the bundled learned verifier model",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h = await startUiHarness();
    try {
      const page = await openLoaded(h, { model: "/models/world/target", ep: "wasm" });
      if (!(await page.isVisible("#pipeline-bon"))) await page.click("details.pipelines summary");
      await setField(page, "#max-tokens", "48");

      await t.step("the arithmetic verifier never loads the learned model", async () => {
        await page.check("#pipeline-bon");
        await setField(page, "#pipeline-bon-n", "4");
        await page.selectOption("#pipeline-bon-verifier", "arithmetic");
        const answer = await sendMessage(page, PROBLEM, 180_000);
        assert.ok(["stop", "length"].includes(answer.done), answer.done);
        assert.equal(await sideStarted(page, "verifier"), false);
        const summary = page.locator(".msg.assistant").last().locator(".trace-best-of-n-summary");
        assert.doesNotMatch((await summary.textContent()) ?? "", /scored by/);
      });

      await t.step(
        "the learned verifier scores on world/verifier and the trace says so",
        async () => {
          await page.click("#new-conversation");
          await page.waitForFunction(() =>
            document.querySelectorAll("#messages .msg").length === 0
          );
          await page.selectOption("#pipeline-bon-verifier", "learned");
          const answer = await sendMessage(page, PROBLEM, 180_000);
          assert.ok(["stop", "length"].includes(answer.done), answer.done);
          const summary = page.locator(".msg.assistant").last().locator(".trace-best-of-n-summary");
          await summary.waitFor({ state: "attached" });
          assert.match((await summary.textContent()) ?? "", /scored by world\/verifier/);
          assert.equal(await sideStarted(page, "verifier"), true);
          await h.screenshot(page, "ui-best-of-n-learned-verifier");
        },
      );
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
});
