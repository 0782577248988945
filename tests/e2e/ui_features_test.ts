/**
 * Pipelines, speculative decoding and adapters through the chat UI, in headless Chromium
 * against the real server (whose edge functions serve the pipelines): a Self-RAG answer with
 * its trace panel (kept after a reload), an unreachable edge with its recovery, live draft
 * acceptance and gamma with a draft model, and PEFT adapters imported from files, listed with
 * rank and targets, picked per conversation and deleted.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { loaded, sendMessage, startUiHarness } from "./ui/harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const ADAPTERS = `${ROOT}/models/fixtures/adapters`;

async function openPipelines(page: Page): Promise<void> {
  if (!(await page.isVisible("#pipeline-selfrag"))) await page.click("details.pipelines summary");
}

Deno.test({
  name: "the chat UI runs pipelines with traces, speculates, and manages adapters",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h = await startUiHarness();
    try {
      const context = await h.newContext();
      const page = await h.open(context, { ep: "wasm", draft: "/models/fixtures/draft" });

      await t.step("speculative decoding shows draft acceptance and gamma", async () => {
        const result = await loaded(page);
        assert.ok(result.ok, JSON.stringify(result));
        assert.match(result.info.draft ?? "", /\/models\/fixtures\/draft$/);
        await openPipelines(page);
        await page.check("#pipeline-spec");
        await page.selectOption("#pipeline-gamma", "3");
        await page.fill("#max-tokens", "40");
        const answer = await sendMessage(page, "Tell me a long story about the river.");
        assert.ok(answer.text.length > 0);
        const acceptance = (await page.textContent("[data-stat=acceptance]")) ?? "";
        const percent = Number(acceptance.replace(" %", ""));
        assert.ok(percent >= 0 && percent <= 100, acceptance);
        const gamma = Number(await page.textContent("[data-stat=gamma]"));
        assert.ok(gamma > 0 && gamma <= 3, `gamma ${gamma}`);
        await h.screenshot(page, "ui-speculative");
      });

      await t.step("a Self-RAG answer shows its trace, also after a reload", async () => {
        await page.click("#new-conversation");
        await openPipelines(page);
        await page.uncheck("#pipeline-spec");
        await page.check("#pipeline-selfrag");
        await page.fill("#max-tokens", "12");
        const answer = await sendMessage(page, "Where does the river flow?", 180_000);
        assert.ok(["stop", "length"].includes(answer.done), answer.done);
        const trace = page.locator(".msg.assistant").last().locator("details.trace");
        await trace.waitFor({ state: "attached" });
        assert.ok(Number(await trace.getAttribute("data-events")) > 0);
        await trace.locator("summary").click();
        await h.screenshot(page, "ui-selfrag-trace");
        await page.reload();
        assert.ok((await loaded(page)).ok);
        await page.locator(".msg.assistant details.trace").first().waitFor({ state: "attached" });
        await openPipelines(page);
        assert.equal(await page.isChecked("#pipeline-selfrag"), true, "settings restored");
      });

      await t.step("S2A (model-free filter) and CoVe answers show their traces", async () => {
        await page.click("#new-conversation");
        await openPipelines(page);
        await page.uncheck("#pipeline-selfrag");
        await page.check("#pipeline-s2a-filter");
        await page.selectOption("#pipeline-cove", "joint");
        await page.fill("#max-tokens", "8");
        const answer = await sendMessage(
          page,
          "I think the river is short. How long is the River Oss?",
          180_000,
        );
        assert.ok(["stop", "length"].includes(answer.done), answer.done);
        const summary = await page.locator(".msg.assistant").last()
          .locator("details.trace summary").textContent();
        assert.match(summary ?? "", /^Trace: s2a → cove \(\d+ events\)$/);
        // Back to Self-RAG alone for the next step.
        await page.check("#pipeline-s2a-off");
        await page.selectOption("#pipeline-cove", "off");
        await page.check("#pipeline-selfrag");
      });

      await t.step(
        "an unreachable edge explains itself and can answer without pipelines",
        async () => {
          await context.route("**/v1/pipelines/**", (route) => route.abort("connectionrefused"));
          try {
            await page.fill("#prompt", "Is the edge there?");
            await page.press("#prompt", "Enter");
            await page.waitForSelector("#errors[data-kind=edge-unreachable]", { timeout: 60_000 });
            assert.equal(await page.getAttribute("#output", "data-done"), "error");
            await h.screenshot(page, "ui-edge-unreachable");
            await page.click("#errors [data-action=pipelines-off]");
            await page.waitForFunction(
              () => {
                const out = document.getElementById("output");
                return out?.dataset.done === "stop" || out?.dataset.done === "length";
              },
              undefined,
              { timeout: 60_000 },
            );
            await openPipelines(page);
            assert.equal(await page.isChecked("#pipeline-selfrag"), false);
            assert.equal(await page.locator(".msg.assistant[data-done=error]").count(), 0);
          } finally {
            await context.unroute("**/v1/pipelines/**");
          }
          h.problems.splice(
            0,
            h.problems.length,
            ...h.problems.filter((p) => !/\/v1\/pipelines\//.test(p)),
          );
        },
      );

      await t.step(
        "PEFT adapters are imported from files, listed, picked and deleted",
        async () => {
          await page.click("#tab-adapters");
          await page.waitForSelector("#adapter-list tbody tr");
          for (const name of ["alpha", "beta"]) {
            await page.setInputFiles("#adapter-config", `${ADAPTERS}/${name}/adapter_config.json`);
            await page.setInputFiles(
              "#adapter-weights",
              `${ADAPTERS}/${name}/adapter_model.safetensors`,
            );
            await page.fill("#adapter-name", name);
            await page.click("#adapter-import");
            await page.waitForFunction(
              (n) =>
                [...document.querySelectorAll("#adapter-list td:first-child")].some((td) =>
                  td.textContent === n
                ),
              name,
            );
          }
          const rows = await page.locator("#adapter-list tbody tr").evaluateAll((trs) =>
            trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 4).map((td) => td.textContent))
          );
          const alpha = JSON.parse(
            await Deno.readTextFile(`${ADAPTERS}/alpha/adapter_config.json`),
          );
          assert.deepEqual(
            rows.find((r) => r[0] === "alpha"),
            [
              "alpha",
              String(alpha.r),
              String(alpha.lora_alpha),
              alpha.target_modules.sort().join(", "),
            ],
          );
          await h.screenshot(page, "ui-adapters");
          // Pick alpha for this conversation; the choice survives a reload.
          await page.click("#tab-chat");
          const id = await page.getAttribute(
            "#adapter-list tr:has(td:text-is('alpha'))",
            "data-id",
          );
          assert.ok(id !== null);
          await page.selectOption("#adapter-select", id);
          // The choice is written to IndexedDB asynchronously: reload only once it is stored.
          await page.waitForFunction(
            (v) =>
              new Promise<boolean>((resolve) => {
                const open = indexedDB.open("verity-conversations");
                open.onerror = () => resolve(false);
                open.onsuccess = () => {
                  const db = open.result;
                  const all = db.transaction("conversations").objectStore("conversations").getAll();
                  all.onerror = () => (db.close(), resolve(false));
                  all.onsuccess = () => {
                    db.close();
                    resolve(
                      (all.result as { settings?: { adapter?: string } }[]).some((c) =>
                        c.settings?.adapter === v
                      ),
                    );
                  };
                };
              }),
            id,
          );
          await page.reload();
          assert.ok((await loaded(page)).ok);
          await page.waitForFunction(
            (v) => (document.getElementById("adapter-select") as HTMLSelectElement).value === v,
            id,
          );
          // Delete beta: gone from the list and from the picker.
          await page.click("#tab-adapters");
          await page.click("#adapter-list tr:has(td:text-is('beta')) button");
          await page.waitForFunction(() =>
            ![...document.querySelectorAll("#adapter-list td:first-child")].some((td) =>
              td.textContent === "beta"
            )
          );
          const options = await page.locator("#adapter-select option").allTextContents();
          assert.deepEqual(options, ["Base model", `alpha (rank ${alpha.r})`]);
          await page.click("#tab-chat");
        },
      );

      await t.step(
        "chatting with an adapter on the LoRA model loads it from the store into the pool",
        async () => {
          const lora = await h.open(context, { ep: "wasm", model: "/models/fixtures/target_lora" });
          assert.ok((await loaded(lora)).ok);
          await lora.click("#tab-adapters");
          await lora.waitForSelector("#adapter-pool [data-pool=slots]");
          assert.match((await lora.textContent("[data-pool=slots]")) ?? "", /^\d+ \(cpu\)$/);
          await lora.click("#tab-chat");
          await lora.click("#new-conversation");
          const id = await lora.locator("#adapter-select option").nth(1).getAttribute("value");
          assert.ok(id !== null && id !== "");
          await lora.selectOption("#adapter-select", id);
          await lora.fill("#max-tokens", "8");
          const answer = await sendMessage(lora, "Hello adapter");
          // The engine worker loads adapters from the same Dexie store the panel imported into.
          assert.notEqual(answer.done, "error", "the adapter answer must not fail");
          await lora.click("#tab-adapters");
          await lora.waitForFunction(() =>
            Number(document.querySelector("[data-pool=misses]")?.textContent) >= 1
          );
          assert.match((await lora.textContent("[data-pool=resident]")) ?? "", /alpha/);
          await h.screenshot(lora, "ui-adapter-chat");
          await lora.close();
        },
      );

      assert.deepEqual(h.problems, [], "no console errors or page errors");
      assert.deepEqual(h.foreign, [], "no request leaves the page's origin");
      await context.close();
    } finally {
      await h.close();
    }
  },
});
