/**
 * Quiet-STaR thinking and the prover-verifier game through the chat UI, in headless Chromium
 * against the real server. The chat loads a tiny forged model whose tokenizer has the thought
 * markers (tests/client/engine/thinking/thinking_model.ts), served beside the real server by a
 * same-origin front (./ui/model_proxy.ts): thinking with w = 0 answers exactly like thinking
 * off, w = 0.5 (fixed, labelled untrained) shows its cost per emitted token in the trace, an
 * invalid w shows its error next to the field, and the settings come back after a reload. In
 * the Lab tab a tiny game fills the per-round table, whose cells equal the CSV export, and the
 * table is rebuilt when the run is reopened after a reload.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { thinkingModelPath } from "../client/engine/thinking/thinking_model.ts";
import { startModelProxy } from "./ui/model_proxy.ts";
import { loaded, sendMessage, setField, startUiHarness } from "./ui/harness.ts";

const PROMPT = "The quick brown fox";

async function openPipelines(page: Page): Promise<void> {
  if (!(await page.isVisible("#pipeline-thinking"))) await page.click("details.pipelines summary");
}

/** Answer in a fresh conversation (no history), returning the answer text. */
async function freshAnswer(page: Page): Promise<string> {
  await page.click("#new-conversation");
  // The new conversation is open once the old messages are gone (else the send races it).
  await page.waitForFunction(() => document.querySelectorAll("#messages .msg").length === 0);
  const answer = await sendMessage(page, PROMPT, 120_000);
  assert.ok(["stop", "length"].includes(answer.done), answer.done);
  return answer.text;
}

/** The cells of the PVG table as `data-value` strings, row by row. */
function tableValues(page: Page): Promise<Record<string, string>[]> {
  return page.$$eval(
    '[data-lab-table="pvg_rounds"] tbody tr',
    (rows) =>
      rows.map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll("td")].map((
            td,
          ) => [td.dataset.key ?? "", td.dataset.value ?? ""]),
        )
      ),
  );
}

/** The CSV export's rows of the "rounds" series, by column name. */
async function csvRounds(page: Page): Promise<Record<string, string>[]> {
  const text = await page.$eval(
    '[data-export="csv"]',
    async (a) => await (await fetch((a as HTMLAnchorElement).href)).text(),
  );
  const lines = text.split("\r\n").filter((l) => l !== "");
  const header = (lines[0] ?? "").split(",");
  return lines.slice(1).map((l) => l.split(",")).filter((c) => c[0] === "rounds").map((c) =>
    Object.fromEntries(header.map((h, i) => [h, c[i] ?? ""]))
  );
}

Deno.test({
  name: "the chat UI thinks with traces and the Lab tab tables the prover-verifier game",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h = await startUiHarness();
    const proxy = startModelProxy(h.server.url, "/models/thinking/", await thinkingModelPath());
    try {
      const context = await h.browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(60_000);
      const problems: string[] = [];
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`${proxy.url}/?model=/models/thinking&ep=wasm`);
      const result = await loaded(page);
      assert.ok(result.ok, JSON.stringify(result));

      await t.step("thinking with w = 0 answers exactly like thinking off", async () => {
        await openPipelines(page);
        await page.fill("#max-tokens", "8");
        await page.dispatchEvent("#max-tokens", "change");
        assert.equal(await page.isChecked("#pipeline-thinking"), false, "off by default");
        const off = await freshAnswer(page);
        assert.ok(off.length > 0);
        assert.equal(
          await page.locator(".msg.assistant").last().locator("details.trace").count(),
          0,
        );

        await page.check("#pipeline-thinking");
        // The engine does not report a mixing head for this model: "head" cannot be picked.
        assert.equal(
          await page.$eval(
            "#pipeline-thinking-w option[value=head]",
            (o) => (o as HTMLOptionElement).disabled,
          ),
          true,
        );
        await page.selectOption("#pipeline-thinking-w", "fixed");
        await setField(page, "#pipeline-thinking-t", "2");
        await setField(page, "#pipeline-thinking-fixed-w", "0");
        assert.equal(await page.textContent("#pipeline-thinking-w-label"), "untrained");
        assert.equal(
          await page.textContent("#pipeline-thinking-summary"),
          "Thinking: K = 2, t = 2, w = 0 fixed (untrained)",
        );
        const zero = await freshAnswer(page);
        assert.equal(zero, off, "w = 0 reproduces the base model");
        const trace = page.locator(".msg.assistant").last().locator("details.trace-thinking");
        await trace.waitFor({ state: "attached" });
      });

      await t.step("w = 0.5 (fixed, untrained) shows its cost per emitted token", async () => {
        await setField(page, "#pipeline-thinking-fixed-w", "0.5");
        await freshAnswer(page);
        const trace = page.locator(".msg.assistant").last().locator("details.trace-thinking");
        await trace.locator("summary").click();
        assert.equal(await trace.getAttribute("data-w-label"), "untrained");
        assert.match(
          (await trace.locator(".trace-thinking-headline").textContent()) ?? "",
          /^K = 2, t = 2, w = 0\.5 \(fixed, untrained\); thought at \d+ of \d+ emitted tokens\.$/,
        );
        // Every emitted token: 1 base pass + (t + 1) passes of the K thought rows.
        assert.equal(await trace.locator("[data-per-token=forward_passes]").textContent(), "4.00");
        assert.equal(await trace.locator("[data-per-token=thought_tokens]").textContent(), "4.00");
        assert.match(
          (await trace.locator("[data-thought-free=true]").textContent()) ?? "",
          /^Thought tokens in the output: none\./,
        );
        await h.screenshot(page, "ui-thinking-trace");
      });

      await t.step(
        "an invalid w shows its error next to the field; settings survive a reload",
        async () => {
          await setField(page, "#pipeline-thinking-fixed-w", "1.5");
          const error = page.locator("#pipeline-thinking-fixed-w-error");
          assert.equal(
            await error.textContent(),
            "Cannot use w as it must be in [0, 1]: current value is 1.5",
          );
          assert.equal(await error.isVisible(), true);
          assert.equal(
            await page.getAttribute("#pipeline-thinking-fixed-w", "aria-invalid"),
            "true",
          );
          await setField(page, "#pipeline-thinking-fixed-w", "0.5");
          assert.equal(await error.isVisible(), false);
          await page.reload();
          assert.ok((await loaded(page)).ok);
          await openPipelines(page);
          assert.equal(await page.isChecked("#pipeline-thinking"), true, "thinking restored");
          assert.equal(await page.inputValue("#pipeline-thinking-fixed-w"), "0.5");
          assert.equal(await page.inputValue("#pipeline-thinking-t"), "2");
          await page.locator(".msg.assistant details.trace-thinking").first().waitFor({
            state: "attached",
          });
        },
      );

      await t.step(
        "a tiny prover-verifier game fills the per-round table, equal to its CSV",
        async () => {
          await page.click("#tab-lab");
          await page.waitForSelector('[data-lab="experiment"]');
          await page.selectOption('[data-lab="experiment"]', "pvg");
          await page.selectOption('[data-lab="preset"]', "1");
          await page.selectOption('[data-lab="device"]', "wasm");
          await page.click('[data-lab="run"]');
          await page.waitForSelector('[data-lab="status"][data-state="done"]', {
            timeout: 180_000,
          });
          await page.waitForSelector('[data-lab="exports"][data-ready="true"]');
          const rows = await tableValues(page);
          assert.equal(rows.length, 2, "one row per round");
          assert.deepEqual(rows.map((r) => r.round), ["0", "1"]);
          for (const r of rows) {
            for (
              const key of ["completeness", "soundness", "helpful_accuracy", "sneaky_accuracy"]
            ) {
              const v = Number(r[key]);
              assert.ok(v >= 0 && v <= 1, `${key} ${r[key]}`);
            }
          }
          const csv = await csvRounds(page);
          // A key no point carried (no round fooled the verifier) has no CSV column: empty.
          assert.deepEqual(
            rows,
            csv.map((c) => Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, c[k] ?? ""]))),
          );
          const plots = await page.$$eval(
            "[data-plot]",
            (els) =>
              els.map((e) => [(e as HTMLElement).dataset.plot, (e as HTMLElement).dataset.points]),
          );
          assert.deepEqual(plots, [
            ["pvg_verifier", "2"],
            ["pvg_provers", "2"],
            ["pvg_rewards", "20"],
          ]);
          await h.screenshot(page, "lab-pvg-table");

          await page.reload();
          assert.ok((await loaded(page)).ok);
          await page.click("#tab-lab");
          const open = page.locator(
            '[data-lab="runs"] li[data-status="done"] button[data-action="open"]',
          );
          await open.first().click();
          await page.waitForFunction(() =>
            document.querySelectorAll('[data-lab-table="pvg_rounds"] tbody tr').length === 2
          );
          assert.deepEqual(await tableValues(page), rows, "the reopened run shows the same table");
        },
      );
      assert.deepEqual(problems, []);
    } finally {
      await proxy.close();
      await h.close();
    }
  },
});
