/**
 * The trace panel and the pipeline toggles in real headless Chromium. Traces are recorded from
 * real runs (the edge app over in-memory SQLite, the fixture model on the Deno engine), with
 * HTML planted where model output and retrieved text flow: a document title and text, the
 * user's message (S2A filter) and a CoVe plan. The bundled view renders them in a page served
 * on 127.0.0.1; the test checks the structure (collapsible details, struck-through dropped
 * sentences, citation links that resolve to their passages, verification and critique tables)
 * and that the planted HTML stays text. A screenshot of the open panels goes to the artifacts.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { selectedSegments } from "../../client/ui/trace/evidence_view.ts";
import { markDropped, markSentences } from "../../client/ui/trace/s2a_view.ts";
import { retrievedPassages } from "../../client/ui/trace/trace_data.ts";
import { bundleModule } from "../../tools/build.ts";
import { IMG, type Recorded, recordTraces } from "../client/pipelines/recorded_traces.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { startStaticServer } from "../helpers/static_server.ts";
import { ANSWER_STAGE_CONFLICT } from "../../client/ui/trace/pipeline_settings.ts";
import type { ControlReport, PanelReport } from "./trace_view_entry.ts";
import { ARTIFACTS } from "./ui/harness.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The state of every toggle control, by id. */
async function toggleState(page: Page): Promise<Map<string, ControlReport>> {
  const all = await page.evaluate(async () => {
    const mod = await import(`${location.origin}/lib/trace_view.js`);
    return mod.inspectToggles("toggles") as ControlReport[];
  });
  return new Map(all.map((c) => [c.id, c]));
}

/** Render one recorded trace in the page, open and close it, and read its structure. */
async function renderPanel(page: Page, r: Recorded): Promise<PanelReport> {
  const id = await page.evaluate(async ([trace, answer]) => {
    const mod = await import(`${location.origin}/lib/trace_view.js`);
    const el: HTMLElement = mod.renderTrace(trace, answer);
    document.body.append(el);
    return el.id;
  }, [r.trace, r.output] as const);
  const openAtFirst = await page.evaluate(
    (i) => (document.getElementById(i) as HTMLDetailsElement).open,
    id,
  );
  await page.click(`#${id} > summary`);
  const openAfterClick = await page.evaluate(
    (i) => (document.getElementById(i) as HTMLDetailsElement).open,
    id,
  );
  const report = await page.evaluate(async (i) => {
    const mod = await import(`${location.origin}/lib/trace_view.js`);
    return mod.inspectPanel(i) as Omit<
      PanelReport,
      "openAtFirst" | "openAfterClick" | "closedAfterSecondClick"
    >;
  }, id);
  await page.click(`#${id} > summary`);
  const closed = await page.evaluate(
    (i) => !(document.getElementById(i) as HTMLDetailsElement).open,
    id,
  );
  return { ...report, openAtFirst, openAfterClick, closedAfterSecondClick: closed };
}

Deno.test({
  name: "the trace panel renders recorded traces safely and the toggles are accessible",
  // Playwright keeps its pipe open until close; onnxruntime keeps wasm timers.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const recorded = await recordTraces();
    const dir = await Deno.makeTempDir({ prefix: "verity-trace-view-" });
    await Deno.writeTextFile(
      `${dir}/index.html`,
      '<!doctype html><meta charset="utf-8"><title>trace view</title>' +
        '<link rel="stylesheet" href="/ui/style.css"><body><form id="toggles"></form></body>',
    );
    await bundleModule("tests/e2e/trace_view_entry.ts", `${dir}/trace_view.js`, false);
    const server = startStaticServer([
      { path: "/", file: `${dir}/index.html` },
      { prefix: "/lib/", dir },
      { prefix: "/ui/", dir: `${ROOT}/client/ui` },
    ]);
    const browser = await launchChromium();
    const problems: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()}`);
      });
      await page.goto(`${server.url}/`);
      const reports = new Map<string, PanelReport>();
      for (const r of recorded) reports.set(r.name, await renderPanel(page, r));

      await t.step(
        "each panel is a collapsed <details> that opens and closes on its summary",
        () => {
          for (const [name, r] of reports) {
            assert.equal(r.tag, "details", name);
            assert.deepEqual([r.openAtFirst, r.openAfterClick, r.closedAfterSecondClick], [
              false,
              true,
              true,
            ], name);
          }
        },
      );

      await t.step(
        "the S2A filter's dropped sentence is struck through, the kept ones are not",
        () => {
          const r = reports.get("filter+selfrag")!;
          const filter = recorded[0]!.trace.find((e) => e.event === "filter")!;
          const dropped = (filter.data.dropped as { sentence: string }[]).map((d) => d.sentence);
          assert.equal(dropped.length, 1, JSON.stringify(dropped));
          assert.deepEqual(r.dels.map((d) => d.trim()), dropped.map((d) => d.trim()));
          assert.ok(r.text.includes("Ada sells saltglass."));
        },
      );

      await t.step("the LLM rewrite marks exactly the sentences missing from the rewrite", () => {
        const rec = recorded[2]!;
        const rewrite = rec.trace.find((e) => e.event === "rewrite")!.data;
        const expected = markSentences(String(rewrite.original), String(rewrite.rewritten))
          .filter((m) => m.dropped).map((m) => m.text.trim());
        assert.deepEqual(reports.get("s2a")!.dels.map((d) => d.trim()), expected);
      });

      await t.step("citations resolve to the passage they name, inside their own panel", () => {
        for (const name of ["filter+selfrag", "selfrag+cove"]) {
          const r = reports.get(name)!;
          const rec = recorded.find((x) => x.name === name)!;
          assert.equal(r.passages, retrievedPassages(rec.trace).length, name);
          assert.ok(r.passages >= 2, `${name}: ${r.passages} passages`);
          const segments = selectedSegments(rec.trace);
          assert.ok(segments.length >= 1, name);
          // Citations: one per answer segment, plus one per critique row (passage column).
          const critiqueRows = rec.trace.filter((e) => e.event === "critique")
            .reduce((s, e) => s + (e.data.candidates as unknown[]).length, 0);
          assert.equal(r.critiqueRows, critiqueRows, name);
          assert.equal(r.citations.length, segments.length + critiqueRows, name);
          for (const c of r.citations) {
            assert.deepEqual(c, { ...c, resolves: true, samePassage: true, inPanel: true });
          }
        }
      });

      await t.step("CoVe questions show their answers and factor+revise verdicts", () => {
        const rows = reports.get("selfrag+cove")!.verificationRows;
        assert.equal(rows.length, 2);
        assert.equal(rows[0]?.[2], `Where does ${IMG("plan")} live?`);
        for (const row of rows) {
          assert.match(row[4] ?? "", /^(CONSISTENT|INCONSISTENT|PARTIALLY CONSISTENT|UNKNOWN)$/);
        }
      });

      await t.step(
        "HTML from documents, the user and the model stays text and never runs",
        async () => {
          for (const [name, r] of reports) assert.equal(r.markup, 0, name);
          const all = [...reports.values()].map((r) => r.text).join("\n");
          assert.ok(all.includes(IMG("title")), "the planted title is shown as text");
          assert.ok(all.includes(IMG("s2a")), "the planted sentence is shown as text");
          assert.ok(all.includes(IMG("plan")), "the planted question is shown as text");
          await page.waitForTimeout(200);
          assert.equal(
            await page.evaluate(() => (globalThis as { xss?: string }).xss ?? null),
            null,
          );
        },
      );

      await t.step(
        "unknown events are listed raw and malformed ones do not break the panel",
        async () => {
          const odd = await page.evaluate(async () => {
            const mod = await import(`${location.origin}/lib/trace_view.js`);
            const trace = [
              { stage: "cove", event: "verify", data: { pairs: "not a list" } },
              { stage: "selfrag", event: "mystery", data: { note: "<b>bold?</b>" } },
            ];
            const el: HTMLElement = mod.renderTrace(trace, "plain <i>answer</i>");
            const empty: HTMLElement = mod.renderTrace([], "direct");
            document.body.append(el, empty);
            return {
              other: el.querySelector(".trace-other")?.textContent ?? "",
              markup: el.querySelectorAll("b, i").length,
              answer: el.querySelector(".trace-answer")?.textContent ?? "",
              emptySummary: empty.querySelector("summary")?.textContent ?? "",
            };
          });
          assert.match(odd.other, /selfrag:mystery/);
          assert.match(odd.other, /<b>bold\?<\/b>/);
          assert.equal(odd.markup, 0);
          assert.equal(odd.answer, "plain <i>answer</i>");
          assert.equal(odd.emptySummary, "Trace: direct answer, no pipeline");
        },
      );

      await t.step(
        "the toggles are labelled, keyboard reachable, and report every change",
        async () => {
          await page.evaluate(async () => {
            const mod = await import(`${location.origin}/lib/trace_view.js`);
            const changes: unknown[] = [];
            (globalThis as Record<string, unknown>).__changes = changes;
            (globalThis as Record<string, unknown>).__toggles = mod.renderPipelineToggles(
              document.getElementById("toggles"),
              mod.defaultPipelineSettings,
              (s: unknown) => changes.push(s),
              { idPrefix: "t" },
            );
          });
          const unlabelled = await page.evaluate(() =>
            [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
              "#toggles input, #toggles select",
            )]
              .filter((c) => (c.labels?.length ?? 0) === 0).map((c) => c.id)
          );
          assert.deepEqual(unlabelled, []);
          assert.equal(await page.isDisabled("#t-gamma"), true, "gamma waits for speculation");
          const first = await toggleState(page);
          assert.deepEqual(
            ["t-bon", "t-bon-n", "t-bon-selection", "t-bon-verifier"].map((id) => {
              const c = first.get(id);
              return [id, c?.label, c?.disabled];
            }),
            [
              ["t-bon", "Sample n answers, keep the verified best", false],
              ["t-bon-n", "Candidates (n)", true],
              ["t-bon-selection", "Pick", true],
              ["t-bon-verifier", "Verifier", true],
            ],
            "best-of-n is off: its settings wait for it",
          );
          assert.equal(await page.inputValue("#t-bon-n"), "4");
          await page.click("label[for=t-s2a-filter]");
          await page.click("label[for=t-selfrag]");
          await page.selectOption("#t-cove", "factor_revise");
          await page.click("label[for=t-spec]");
          await page.selectOption("#t-gamma", "3");
          const changes = await page.evaluate(() =>
            (globalThis as { __changes?: unknown[] }).__changes
          );
          assert.equal(changes?.length, 5);
          const last = {
            s2a: "filter",
            selfrag: true,
            cove: "factor_revise",
            speculative: { enabled: true, gamma: 3 },
            bestOfN: { enabled: false, n: 4, selection: "vote", verifier: "arithmetic" },
            thinking: {
              enabled: false,
              k: 2,
              t: 8,
              w: "fixed",
              fixedW: 0.5,
              entropyThreshold: 1,
              maxW: 0.5,
            },
          };
          assert.deepEqual(changes?.at(-1), last);
          const request = await page.evaluate(async (s) => {
            const mod = await import(`${location.origin}/lib/trace_view.js`);
            return mod.toPipelineRequest(s);
          }, last);
          assert.deepEqual(request, {
            pipeline: ["selfrag", "cove"],
            options: { cove: { variant: "factor_revise" } },
            s2aFilter: true,
            speculative: { gamma: 3 },
          });
          // set() shows new settings without reporting a change.
          await page.evaluate(() => {
            const g = globalThis as { __toggles?: { set(s: unknown): void } };
            g.__toggles?.set({
              s2a: "llm",
              selfrag: false,
              cove: "off",
              speculative: { enabled: false, gamma: 6 },
            });
          });
          assert.equal(await page.isChecked("#t-s2a-llm"), true);
          assert.equal(await page.isChecked("#t-selfrag"), false);
          assert.equal(await page.inputValue("#t-cove"), "off");
          assert.equal(await page.isDisabled("#t-gamma"), true);
          assert.equal(
            await page.evaluate(() => (globalThis as { __changes?: unknown[] }).__changes?.length),
            5,
          );
          // Keyboard: Tab walks S2A (the checked radio), Self-RAG, best-of-n, CoVe, speculation.
          await page.focus("#t-s2a-llm");
          const order = [];
          for (let i = 0; i < 4; i++) {
            await page.keyboard.press("Tab");
            order.push(await page.evaluate(() => document.activeElement?.id ?? ""));
          }
          assert.deepEqual(order, ["t-selfrag", "t-bon", "t-cove", "t-spec"]);
          await page.keyboard.press("Space");
          assert.equal(await page.isChecked("#t-spec"), true);
          assert.equal(await page.isDisabled("#t-gamma"), false);
        },
      );

      await t.step(
        "best-of-n is set by keyboard, and Self-RAG and best-of-n disable each other with a reason",
        async () => {
          const changes = () =>
            page.evaluate(() => (globalThis as { __changes?: unknown[] }).__changes ?? []);
          const before = (await changes()).length;
          // Self-RAG on: best-of-n is disabled and says why, visibly and to screen readers.
          await page.focus("#t-selfrag");
          await page.keyboard.press("Space");
          let s = await toggleState(page);
          assert.equal(s.get("t-bon")?.disabled, true);
          assert.equal(
            s.get("t-bon")?.description,
            `Off while Self-RAG is on: ${ANSWER_STAGE_CONFLICT}.`,
          );
          assert.equal(await page.isVisible("#t-bon-why"), true);
          assert.equal(await page.isVisible("#t-selfrag-why"), false);
          assert.equal(s.get("t-selfrag")?.description, "");
          // A disabled box leaves the Tab order: Self-RAG goes straight on to CoVe.
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "t-cove");
          // Self-RAG off, best-of-n on: now Self-RAG is the disabled one.
          await page.focus("#t-selfrag");
          await page.keyboard.press("Space");
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "t-bon");
          await page.keyboard.press("Space");
          s = await toggleState(page);
          assert.equal(s.get("t-selfrag")?.disabled, true);
          assert.equal(
            s.get("t-selfrag")?.description,
            `Off while best-of-n is on: ${ANSWER_STAGE_CONFLICT}.`,
          );
          assert.equal(await page.isVisible("#t-bon-why"), false);
          assert.deepEqual(
            ["t-bon-n", "t-bon-selection", "t-bon-verifier"].map((id) => s.get(id)?.disabled),
            [false, false, false],
          );
          // n by keyboard: 40 is above the edge's limit and shows as 32 once committed.
          await page.keyboard.press("Tab");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "t-bon-n");
          await page.keyboard.press("Control+A");
          await page.keyboard.type("40");
          await page.keyboard.press("Tab");
          assert.equal(await page.inputValue("#t-bon-n"), "32");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "t-bon-selection");
          await page.selectOption("#t-bon-selection", "top");
          await page.selectOption("#t-bon-verifier", "learned");
          const seen = await changes();
          // Self-RAG on, off, best-of-n on, n, selection, verifier.
          assert.equal(seen.length - before, 6);
          const last = seen.at(-1) as { selfrag: boolean; bestOfN: unknown };
          assert.equal(last.selfrag, false);
          assert.deepEqual(last.bestOfN, {
            enabled: true,
            n: 32,
            selection: "top",
            verifier: "learned",
          });
          const request = await page.evaluate(async (v) => {
            const mod = await import(`${location.origin}/lib/trace_view.js`);
            return mod.toPipelineRequest(v);
          }, last);
          assert.deepEqual(request.pipeline, ["s2a", "best_of_n"]);
          assert.deepEqual(request.options, {
            best_of_n: { n: 32, selection: "top", verifier: "learned" },
          });
          // Settings with both on are refused, and the controls keep what they showed.
          const refused = await page.evaluate(() => {
            const g = globalThis as { __toggles?: { set(s: unknown): void } };
            try {
              g.__toggles?.set({
                s2a: "off",
                selfrag: true,
                cove: "off",
                speculative: { enabled: false, gamma: "auto" },
                bestOfN: { enabled: true },
              });
              return "";
            } catch (e) {
              return String(e);
            }
          });
          assert.match(refused, /Cannot turn on both Self-RAG and best-of-n/);
          assert.equal(await page.isChecked("#t-bon"), true);
          assert.equal(await page.isChecked("#t-selfrag"), false);
          await Deno.mkdir(ARTIFACTS, { recursive: true });
          await page.locator("#toggles").screenshot({ path: `${ARTIFACTS}/pipeline_toggles.png` });
        },
      );

      await t.step("no console errors; a screenshot of the open panels is saved", async () => {
        for (const summary of await page.$$("details.trace > summary")) await summary.click();
        // The three recorded panels and the two of the malformed-trace step.
        assert.equal(
          await page.$$eval("details.trace[open]", (d) => d.length),
          recorded.length + 2,
        );
        await Deno.mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: `${ARTIFACTS}/trace_view.png`, fullPage: true });
        assert.ok((await Deno.stat(`${ARTIFACTS}/trace_view.png`)).size > 1000);
        assert.deepEqual(problems, []);
      });
    } finally {
      await browser.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("markDropped() strikes the filter's sentences where they occur, dots inside included", () => {
  const original = "I think x.y is best. Tom has 3 apples. I think x.y is best. How many?";
  const marked = markDropped(original, [
    { sentence: "I think x.y is best.", reason: "opinion" },
    { sentence: "I think x.y is best.", reason: "opinion" },
  ]);
  assert.deepEqual(marked.map((m) => [m.text, m.dropped]), [
    ["I think x.y is best.", true],
    [" Tom has 3 apples. ", false],
    ["I think x.y is best.", true],
    [" How many?", false],
  ]);
  assert.equal(marked.map((m) => m.text).join(""), original);
});

Deno.test("markSentences() keeps the sentences an LLM rewrite contains, ignoring case and spacing", () => {
  const marked = markSentences(
    "I love Bo.  Ada sells saltglass! Where does Ada live?",
    "Context: ada sells   saltglass\n\nWhere does Ada live?",
  );
  assert.deepEqual(marked.map((m) => [m.text.trim(), m.dropped]), [
    ["I love Bo.", true],
    ["Ada sells saltglass!", false],
    ["Where does Ada live?", false],
  ]);
});
