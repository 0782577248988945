/**
 * The chat UI end to end in headless Chromium against the real server (functions/main.ts):
 * tabs, streaming on wasm with Enter / Shift+Enter, Stop and Esc, conversations in IndexedDB
 * (rename, search, delete, settings and answers restored after a reload), safe markdown, the
 * Models panel (bundled list, byte progress, cached folders with sizes and delete), a model
 * load error with its recovery, the phone layout, and no console errors. One browser for all.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { loaded, sendMessage, startUiHarness, type UiHarness } from "./ui/harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE_FILES = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "onnx/model.onnx",
];

async function fixtureBytes(): Promise<number> {
  let sum = 0;
  for (const f of FIXTURE_FILES) {
    sum += (await Deno.stat(`${ROOT}/models/fixtures/target/${f}`)).size;
  }
  return sum;
}

/** Texts of the conversation list, in order. */
function listTitles(page: Page): Promise<string[]> {
  return page.locator("#conversation-list .open").allTextContents();
}

Deno.test({
  name: "the chat UI streams, stops, persists conversations and renders markdown safely",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const h: UiHarness = await startUiHarness();
    try {
      const context = await h.newContext();
      const page = await h.open(context, { ep: "wasm" });

      await t.step("the page loads the model on wasm behind four accessible tabs", async () => {
        const result = await loaded(page);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.info.ep, "wasm");
        const tabs = await page.locator("[role=tablist] [role=tab]").evaluateAll((els) =>
          els.map((e) => [e.id, e.getAttribute("aria-controls"), e.getAttribute("aria-selected")])
        );
        assert.deepEqual(tabs, [
          ["tab-chat", "panel-chat", "true"],
          ["tab-models", "panel-models", "false"],
          ["tab-adapters", "panel-adapters", "false"],
          ["tab-lab", "panel-lab", "false"],
        ]);
        assert.equal(await page.textContent("#ep-badge"), "wasm");
        assert.equal(await page.isEnabled("#generate"), true);
        // Keyboard: ArrowRight moves to the next tab and shows its panel.
        await page.focus("#tab-chat");
        await page.keyboard.press("ArrowRight");
        assert.equal(await page.getAttribute("#tab-models", "aria-selected"), "true");
        assert.equal(await page.isVisible("#panel-models"), true);
        assert.equal(await page.isVisible("#panel-chat"), false);
        await page.keyboard.press("ArrowLeft");
        assert.equal(await page.isVisible("#panel-chat"), true);
      });

      await t.step("Shift+Enter adds a line and Enter sends; tokens stream in", async () => {
        await page.fill("#prompt", "Tell me a long story");
        await page.press("#prompt", "Shift+Enter");
        await page.keyboard.type("about the river.");
        assert.equal(await page.inputValue("#prompt"), "Tell me a long story\nabout the river.");
        assert.equal(await page.locator(".msg").count(), 0, "Shift+Enter sent nothing");
        // Record every text length the answer shows while it streams.
        await page.evaluate(() => {
          const seen: number[] = [];
          (globalThis as { seenLengths?: number[] }).seenLengths = seen;
          new MutationObserver(() => {
            const out = document.getElementById("output");
            if (out !== null && out.dataset.done === undefined) {
              seen.push(out.textContent?.length ?? 0);
            }
          }).observe(document.getElementById("messages")!, {
            subtree: true,
            childList: true,
            characterData: true,
          });
        });
        // This prompt runs to the token limit (no end of sequence) with the fixture model.
        await page.fill("#max-tokens", "400");
        await page.press("#prompt", "Enter");
        await page.waitForSelector("#output[data-done]", { state: "attached", timeout: 120_000 });
        const answer = await page.evaluate(() =>
          (globalThis as unknown as { verityPage: { lastAnswer: { text: string; done: string } } })
            .verityPage.lastAnswer
        );
        assert.ok(answer.text.length > 0);
        assert.ok(["stop", "length"].includes(answer.done), answer.done);
        const lengths = await page.evaluate(() =>
          (globalThis as unknown as { seenLengths: number[] }).seenLengths
        );
        // Several partial texts were on screen before the answer ended.
        assert.ok(new Set(lengths.filter((n) => n > 0)).size >= 3, `streamed: ${lengths}`);
        assert.equal(
          await page.textContent(".msg.user .body"),
          "Tell me a long story\nabout the river.",
        );
        assert.ok(Number(await page.textContent("[data-stat=completion-tokens]")) > 0);
        assert.match((await page.textContent("[data-stat=tokens-per-second]")) ?? "", /^\d+\.\d$/);
        assert.match((await page.textContent("[data-stat=ttft]")) ?? "", /^\d+ ms$/);
        await page.waitForSelector("#tps-chart canvas", { timeout: 10_000 });
        await h.screenshot(page, "ui-chat-wasm");
      });

      await t.step("Esc and the Stop button stop a long answer", async () => {
        for (const how of ["Escape", "button"] as const) {
          await page.fill("#max-tokens", "400");
          await page.fill("#prompt", "Tell me a long story about the river.");
          await page.press("#prompt", "Enter");
          await page.waitForFunction(() =>
            (document.getElementById("output")?.textContent ?? "").length > 0
          );
          if (how === "Escape") {
            // The page stays responsive while the worker decodes: tabs switch mid-answer.
            await page.click("#tab-models");
            assert.equal(await page.isVisible("#panel-models"), true);
            await page.click("#tab-chat");
            assert.equal(await page.getAttribute("#output", "data-done"), null, "still streaming");
            await page.focus("#prompt");
            await page.keyboard.press("Escape");
          } else await page.locator("#stop").dispatchEvent("click");
          await page.waitForSelector("#output[data-done]", { state: "attached" });
          assert.equal(await page.getAttribute("#output", "data-done"), "aborted", how);
          assert.equal(await page.isEnabled("#generate"), true);
        }
      });

      await t.step("a reload restores the conversation, its answers and its settings", async () => {
        await page.fill("#max-tokens", "33");
        await page.fill("#temperature", "0.7");
        await page.locator("#temperature").dispatchEvent("change");
        const before = await page.locator(".msg").count();
        const titles = await listTitles(page);
        const doneOf = () =>
          page.locator(".msg.assistant").evaluateAll((els) =>
            els.map((e) => e.getAttribute("data-done"))
          );
        const ended = await doneOf();
        assert.deepEqual(ended.slice(1), ["aborted", "aborted"]);
        await page.reload();
        assert.ok((await loaded(page)).ok);
        await page.waitForFunction((n) => document.querySelectorAll(".msg").length === n, before);
        assert.deepEqual(await listTitles(page), titles);
        assert.equal(
          await page.textContent("#conversation-title"),
          "Tell me a long story\nabout the river.".slice(0, 48),
        );
        assert.equal(await page.inputValue("#max-tokens"), "33");
        assert.equal(await page.inputValue("#temperature"), "0.7");
        assert.deepEqual(await doneOf(), ended);
      });

      await t.step("conversations can be created, renamed, searched and deleted", async () => {
        await page.click("#new-conversation");
        await page.fill("#max-tokens", "8");
        await sendMessage(page, "zebra crossing");
        assert.deepEqual((await listTitles(page)).slice(0, 2), [
          "zebra crossing",
          "Tell me a long story\nabout the river.",
        ]);
        page.once("dialog", (d) => void d.accept("Renamed chat"));
        await page.click("#rename-conversation");
        await page.waitForFunction(() =>
          document.getElementById("conversation-title")?.textContent === "Renamed chat"
        );
        await page.waitForFunction(() =>
          document.querySelector("#conversation-list .open")?.textContent === "Renamed chat"
        );
        await page.fill("#conversation-search", "zebra"); // found by message text
        await page.waitForFunction(() =>
          document.querySelectorAll("#conversation-list li").length === 1
        );
        assert.deepEqual(await listTitles(page), ["Renamed chat"]);
        await page.fill("#conversation-search", "");
        await page.waitForFunction(() =>
          document.querySelectorAll("#conversation-list li").length === 2
        );
        await page.click("#conversation-list li[data-id] .delete >> nth=0");
        await page.waitForFunction(() =>
          document.querySelectorAll("#conversation-list li").length === 1
        );
        assert.deepEqual(await listTitles(page), ["Tell me a long story\nabout the river."]);
        const stored = await page.evaluate(async () => {
          const db = (globalThis as unknown as {
            verityPage: { conversations: { list(): Promise<{ title: string }[]> } };
          }).verityPage.conversations;
          return (await db.list()).map((c) => c.title);
        });
        assert.deepEqual(stored, ["Tell me a long story\nabout the river."]);
      });

      await t.step(
        "HTML in model output is rendered inert: no script, image or handler runs",
        async () => {
          const evil = [
            "**bold** and `code`",
            '<img src="/nope.png" onerror="window.__pwned = 1">',
            "<script>window.__pwned = 2</script>",
            "[click](javascript:window.__pwned=3)",
            '<a href="#" onclick="window.__pwned = 4">x</a>',
            "```\n<b>not bold</b>\n```",
          ].join("\n\n");
          await page.evaluate(async (content) => {
            const s = (globalThis as unknown as {
              verityPage: {
                conversations: {
                  create(t: string): Promise<{ id: string }>;
                  addMessage(m: unknown): Promise<number>;
                };
                chat: { open(id: string): Promise<void> };
              };
            }).verityPage;
            const c = await s.conversations.create("Injection");
            await s.conversations.addMessage({
              conversationId: c.id,
              role: "user",
              content: "hi",
              createdAt: 1,
            });
            await s.conversations.addMessage({
              conversationId: c.id,
              role: "assistant",
              content,
              createdAt: 2,
              finish: "stop",
            });
            await s.chat.open(c.id);
          }, evil);
          const body = page.locator(".msg.assistant .body");
          assert.equal(await body.locator("strong").textContent(), "bold");
          assert.equal(await body.locator("pre code").textContent(), "<b>not bold</b>\n");
          assert.equal(await body.locator("img, script, iframe").count(), 0);
          const attrs = await body.locator("*").evaluateAll((els) =>
            els.flatMap((e) => [...e.attributes].map((a) => `${a.name}=${a.value}`))
          );
          assert.deepEqual(
            attrs.filter((a) => /^on|javascript:/i.test(a) || a.includes("javascript:")),
            [],
          );
          await page.waitForTimeout(200);
          assert.equal(
            await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned),
            undefined,
          );
        },
      );

      await t.step(
        "the Models panel lists bundled models, byte progress and the cached folder",
        async () => {
          await page.click("#tab-models");
          await page.waitForSelector("#bundled-models input[value='/models/fixtures/target']");
          assert.equal(
            await page.isChecked("#bundled-models input[value='/models/fixtures/target']"),
            true,
          );
          assert.match(
            (await page.textContent("#ep")) ?? "",
            /^Execution provider: wasm \(wasm was requested\)$/,
          );
          const total = await fixtureBytes();
          assert.equal(await page.getAttribute("#total-progress", "value"), String(total));
          assert.equal(await page.locator("#files li").count(), FIXTURE_FILES.length);
          const row = page.locator("#cached-models tr[data-folder$='/models/fixtures/target']");
          await row.waitFor();
          assert.equal(
            await row.locator("td[data-bytes]").getAttribute("data-bytes"),
            String(total),
          );
          await h.screenshot(page, "ui-models");
          await row.locator("button").click();
          await row.waitFor({ state: "detached" });
          const left = await page.evaluate(async () => {
            const req = indexedDB.open("verity-model-files");
            const db = await new Promise<IDBDatabase>((r) => (req.onsuccess = () => r(req.result)));
            const n = await new Promise<number>((r) => {
              const c = db.transaction("files").objectStore("files").count();
              c.onsuccess = () => r(c.result);
            });
            db.close();
            return n;
          });
          assert.equal(left, 0);
          await page.click("#tab-chat");
        },
      );

      await t.step(
        "a model from a typed folder URL loads with progress, then the bundled one again",
        async () => {
          await page.click("#tab-models");
          await page.fill("#model-url", `${h.server.url}/models/fixtures/draft/`);
          await page.click("#load-model");
          const custom = await loaded(page);
          assert.ok(custom.ok, JSON.stringify(custom));
          assert.equal(custom.info.model, `${h.server.url}/models/fixtures/draft/`);
          assert.equal(await page.textContent("#status"), "Loaded /models/fixtures/draft/");
          await page.waitForSelector("#cached-models tr[data-folder$='/models/fixtures/draft']");
          assert.ok(Number(await page.getAttribute("#total-progress", "value")) > 0);
          await page.fill("#model-url", "");
          await page.check("#bundled-models input[value='/models/fixtures/target']");
          await page.click("#load-model");
          const back = await loaded(page);
          assert.ok(back.ok && back.info.model.endsWith("/models/fixtures/target"));
          assert.equal(
            await page.getAttribute("#total-progress", "value"),
            String(await fixtureBytes()),
          );
          await page.click("#tab-chat");
        },
      );

      await t.step(
        "a missing model shows a load error whose recovery loads the default model",
        async () => {
          const broken = await h.open(context, { ep: "wasm", model: "/models/fixtures/missing" });
          const result = await loaded(broken);
          assert.ok(!result.ok && result.name === "ModelLoadError", JSON.stringify(result));
          await broken.waitForSelector("#errors[data-kind=model-load]");
          assert.match(
            (await broken.textContent("#errors")) ?? "",
            /The model could not be loaded\./,
          );
          await h.screenshot(broken, "ui-load-error");
          await broken.click("#errors [data-action=load-default]");
          const again = await loaded(broken);
          assert.ok(again.ok, JSON.stringify(again));
          assert.equal(await broken.isHidden("#errors"), true);
          await broken.close();
          // The 404s of the missing folder are the expected console errors of this step.
          h.problems.splice(0, h.problems.length, ...h.problems.filter((p) => !/404/.test(p)));
        },
      );

      await t.step(
        "full storage shows a quota message whose recovery loads without caching",
        async () => {
          const ctx = await h.newContext();
          try {
            // The model cache runs in the engine worker, where init scripts do not reach: prepend
            // a stub to the worker bundle so navigator.storage.estimate() reports 10 kB free.
            await ctx.route("**/ui/dist/engine_worker.js", async (route) => {
              const res = await route.fetch();
              const stub =
                "StorageManager.prototype.estimate = async () => ({ usage: 0, quota: 10000 });\n";
              await route.fulfill({ response: res, body: stub + await res.text() });
            });
            const full = await h.open(ctx, { ep: "wasm" });
            const first = await loaded(full);
            assert.ok(!first.ok && first.name === "StorageQuotaError", JSON.stringify(first));
            await full.waitForSelector("#errors[data-kind=quota]");
            assert.match((await full.textContent("#errors")) ?? "", /Browser storage is full/);
            await h.screenshot(full, "ui-quota");
            await full.click("#errors [data-action=load-without-cache]");
            const again = await loaded(full);
            assert.ok(again.ok, JSON.stringify(again));
            assert.equal(await full.isChecked("#cache-toggle"), false);
          } finally {
            await ctx.close();
          }
        },
      );

      await t.step(
        "every control has an accessible name and Tab starts at the skip link",
        async () => {
          const unnamed = await page.evaluate(() =>
            [...document.querySelectorAll("input, select, textarea, button")].filter((el) => {
              const e = el as HTMLInputElement;
              const hasLabel = (e.labels?.length ?? 0) > 0 || e.getAttribute("aria-label") ||
                e.getAttribute("aria-labelledby") ||
                (e.tagName === "BUTTON" && e.textContent?.trim());
              return !hasLabel && (e as HTMLElement).offsetParent !== null;
            }).map((e) => e.outerHTML.slice(0, 80))
          );
          assert.deepEqual(unnamed, []);
          await page.reload(); // the focus order starts at the top of a fresh page
          assert.ok((await loaded(page)).ok);
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.className), "skip");
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "tab-chat");
        },
      );

      await t.step("the Lab tab loads the lab on first open", async () => {
        await page.click("#tab-lab");
        await page.waitForFunction(
          () => {
            const panel = document.getElementById("panel-lab");
            return panel !== null && panel.children.length > 0 &&
              !(panel.textContent ?? "").startsWith("Loading the lab");
          },
          undefined,
          { timeout: 30_000 },
        );
        assert.equal(await page.isVisible("#panel-lab"), true);
        await h.screenshot(page, "ui-lab");
        await page.click("#tab-chat");
      });

      await t.step(
        "the chat and the Lab fit a phone screen without horizontal scrolling",
        async () => {
          await page.setViewportSize({ width: 390, height: 844 });
          await page.waitForTimeout(100);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(overflow <= 390, `page is ${overflow}px wide`);
          assert.equal(await page.isVisible("#prompt"), true);
          await h.screenshot(page, "ui-phone");
          // The Lab's form, tables and plots fit too (the plots scroll inside their own box).
          await page.click("#tab-lab");
          const lab = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(lab <= 390, `the Lab is ${lab}px wide`);
          await page.click("#tab-chat");
          await page.setViewportSize({ width: 1280, height: 860 });
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
