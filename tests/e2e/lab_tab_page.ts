/**
 * Drives the Lab tab test page (tests/e2e/lab_page_entry.ts) in Chromium for
 * tests/e2e/lab_tab_test.ts: open it, wait for the run list, read the status line, progress and
 * chart point counts, pick the tiny grokking preset, and read back every export link.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { bundleModule } from "../../tools/build.ts";
import { startStaticServer, type StaticServer } from "../helpers/static_server.ts";

/** The test page: one div the lab mounts on. */
export const PAGE = `<!doctype html><meta charset="utf-8"><title>lab</title>
<div id="lab"></div><script type="module" src="/lib/lab_page.js"></script>`;
/** Longest wait for a run to finish. */
export const RUN_TIMEOUT = 120_000;
/** Selector of a `data-lab` element. */
export const lab = (name: string) => `[data-lab="${name}"]`;

/** Page errors and console errors collected across pages. */
export interface Problems {
  readonly list: string[];
}

/** Open the test page in `context` and wait until past runs are listed. */
export async function openLab(
  context: BrowserContext,
  origin: string,
  problems: Problems,
  query = "",
): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.list.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.list.push(`console: ${m.text()}`);
  });
  await page.goto(`${origin}/${query}`);
  await waitReady(page);
  return page;
}

/** Wait until the lab is mounted and its run list is on screen. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => "labPage" in globalThis);
  await page.evaluate(() =>
    (globalThis as unknown as { labPage: { ready: Promise<void> } }).labPage.ready
  );
}

/** Status state and message, progress value and points per plot. */
export function snapshot(page: Page) {
  return page.evaluate(() => {
    const q = (n: string) => document.querySelector(`[data-lab="${n}"]`) as HTMLElement;
    return {
      state: q("status").dataset.state ?? "",
      status: q("status").textContent ?? "",
      device: q("device-line").textContent ?? "",
      fallback: q("device-line").hasAttribute("data-fallback"),
      progress: (q("progress") as HTMLProgressElement).value,
      eta: q("eta").textContent ?? "",
      points: Object.fromEntries(
        [...document.querySelectorAll<HTMLElement>("[data-plot]")].map((
          e,
        ) => [e.dataset.plot, Number(e.dataset.points ?? 0)]),
      ),
    };
  });
}

/** Wait until the status line reaches `state` ("done", "stopped", ...). */
export async function waitState(page: Page, state: string, timeout = RUN_TIMEOUT): Promise<void> {
  await page.waitForFunction(
    (s) => (document.querySelector('[data-lab="status"]') as HTMLElement).dataset.state === s,
    state,
    { timeout },
  );
}

/** Pick the tiny grokking preset and optionally change its step count. */
export async function tinyGrokking(page: Page, steps?: number): Promise<void> {
  await page.selectOption(lab("experiment"), "grokking");
  await page.selectOption(lab("preset"), "1");
  if (steps !== undefined) await page.fill('[data-setting="steps"]', String(steps));
}

/** Text of each export link's blob, and what the browser makes of each PNG. */
export function readExports(page: Page) {
  return page.evaluate(async () => {
    const out: Record<
      string,
      { name: string; text?: string; head?: number[]; w?: number; h?: number }
    > = {};
    for (const a of document.querySelectorAll<HTMLAnchorElement>("[data-export]")) {
      const blob = await (await fetch(a.href)).blob();
      const kind = a.dataset.export ?? "";
      if (kind.startsWith("png")) {
        const bitmap = await createImageBitmap(blob);
        const head = [...new Uint8Array(await blob.slice(0, 24).arrayBuffer())];
        out[kind] = { name: a.download, head, w: bitmap.width, h: bitmap.height };
      } else out[kind] = { name: a.download, text: await blob.text() };
    }
    return out;
  });
}

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bundle the test page and the lab worker into a temporary folder and serve it. */
export async function startLabSite(): Promise<{ server: StaticServer; close(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "verity-lab-e2e-" });
  await Deno.writeTextFile(`${dir}/index.html`, PAGE);
  await Promise.all([
    bundleModule("client/lab/worker/lab_worker.ts", `${dir}/lab_worker.js`),
    bundleModule("tests/e2e/lab_page_entry.ts", `${dir}/lab_page.js`),
  ]);
  const server = startStaticServer([{ path: "/", file: `${dir}/index.html` }, {
    prefix: "/lib/",
    dir,
  }]);
  return {
    server,
    async close() {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Assert an exported PNG: signature, IHDR width equal to the decoded width, a chart's size. */
export function assertPng(
  png: { head?: number[]; w?: number; h?: number } | undefined,
  id: string,
): void {
  assert.deepEqual(png?.head?.slice(0, 8), PNG_SIGNATURE, id);
  const view = new DataView(Uint8Array.from(png!.head!).buffer);
  assert.equal(view.getUint32(16), png!.w, `${id}: IHDR width equals the decoded width`);
  assert.ok(png!.w! >= 320 && png!.h! >= 220, `${id}: ${png!.w}x${png!.h}`);
}
