/**
 * The Chromium half of the decode benchmark: bundles and serves the bench page
 * (decode_server.ts) and drives headless Chromium through the page API (page_protocol.ts): one
 * page (own context and renderer) per library, loaded on wasm and later also on WebGPU, the two
 * libraries measured interleaved. Every request outside 127.0.0.1 is blocked and reported, so
 * nothing comes from a CDN.
 *
 * @module
 */
import type { Browser } from "playwright-core";
import { launchChromium } from "../tests/helpers/chromium.ts";
import { startStaticServer } from "../tests/helpers/static_server.ts";
import {
  type BatchTimer,
  type Contender,
  type DecodeEp,
  type DecodeLibrary,
  type DecodeRow,
  describeRow,
  measureInterleaved,
} from "./decode_measure.ts";
import { describeWarmup, warmUp } from "./decode_warmup.ts";
import { type DecodePlan, epPlan } from "./decode_plan.ts";
import {
  type DecodeBenchPage,
  PageInfo,
  type PageInfoArgs,
  type PageLoad,
  type PageRun,
  PageRunResult,
} from "./browser/page_protocol.ts";
import { bundlePage, pageMounts, transformersOrtDist } from "./decode_server.ts";

/** What the Chromium run produced. */
export interface BrowserRun {
  readonly rows: DecodeRow[];
  readonly info: PageInfo;
  readonly chromium: string;
  /** Configurations not run, with the reason. */
  readonly skipped: string[];
}

/** Raised when the bench page cannot be built or driven. */
export class BenchBrowserError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BenchBrowserError";
  }
}

/** The libraries compared in Chromium, in page order. */
const LIBRARIES: readonly DecodeLibrary[] = ["verity", "transformers.js"];

/** One library's page. */
interface LibraryPage {
  readonly library: DecodeLibrary;
  readonly page: PageHandle;
}

/** The page API as seen from Deno (each call crosses into the page). */
interface PageHandle {
  info(args: PageInfoArgs): Promise<unknown>;
  load(args: PageLoad): Promise<void>;
  run(args: PageRun): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Open the bench page in a fresh context (own storage, own renderer); requests outside
 * 127.0.0.1 are blocked and recorded.
 */
async function openPage(browser: Browser, url: string, blocked: string[]): Promise<PageHandle> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${e.name}: ${e.message}`));
  await page.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === "127.0.0.1") return route.continue();
    blocked.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  await page.goto(url);
  await page.waitForFunction(() => "decodeBench" in globalThis, undefined, { timeout: 30_000 });
  const guard = async <T>(what: string, p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (cause) {
      const extra = errors.length > 0 ? ` (page errors: ${errors.join("; ")})` : "";
      throw new BenchBrowserError(`The bench page failed in ${what}: ${String(cause)}${extra}`, {
        cause,
      });
    }
  };
  // Playwright sends each function to the page as source text, so nothing may be captured.
  return {
    info: (a) =>
      guard(
        "info()",
        page.evaluate(
          (x) => (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.info(x),
          a,
        ),
      ),
    load: (a) =>
      guard(
        "load()",
        page.evaluate(
          (x) => (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.load(x),
          a,
        ),
      ),
    run: (a) =>
      guard(
        "run()",
        page.evaluate(
          (x) => (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.run(x),
          a,
        ),
      ),
    close: () => context.close(),
  };
}

/**
 * Run the Chromium configurations of a plan: Verity and transformers.js on wasm, and on
 * WebGPU when the plan asks and Chromium exposes an adapter.
 *
 * @example
 * ```ts
 * const { rows } = await runInChromium(planFor(true), console.error);
 * ```
 */
export async function runInChromium(
  plan: DecodePlan,
  log: (line: string) => void,
): Promise<BrowserRun> {
  const bundleDir = await Deno.makeTempDir({ prefix: "verity_decode_bench_" });
  const server = { close: () => Promise.resolve() };
  const pages: LibraryPage[] = [];
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const t0 = performance.now();
    await bundlePage(bundleDir);
    const srv = startStaticServer(pageMounts(bundleDir, await transformersOrtDist()));
    server.close = srv.close;
    browser = await launchChromium();
    const chromium = browser.version();
    log(`chromium ${chromium}: page bundled and browser up in ${ms(t0)}`);
    const blocked: string[] = [];
    // One page per library for the whole run (wasm first, then WebGPU in the same page).
    for (const library of LIBRARIES) {
      pages.push({ library, page: await openPage(browser, `${srv.url}/`, blocked) });
    }
    const info = PageInfo.parse(await pages[0]!.page.info({ webgpu: plan.webgpu !== null }));
    log(`chromium page: ${JSON.stringify(info)}`);
    const skipped: string[] = [];
    const eps: DecodeEp[] = ["wasm"];
    if (plan.webgpu === null) skipped.push("chromium webgpu rows skipped (--quick)");
    else if (info.webgpu === null) skipped.push("chromium webgpu rows skipped: no WebGPU adapter");
    else eps.push("webgpu");
    const rows: DecodeRow[] = [];
    for (const ep of eps) rows.push(...await runEp(pages, ep, plan, log));
    if (blocked.length > 0) {
      throw new BenchBrowserError(
        `The bench page requested ${blocked.length} URL(s) outside 127.0.0.1: ${
          blocked.slice(0, 5).join(", ")
        }`,
      );
    }
    return { rows, info, chromium, skipped };
  } finally {
    for (const { page } of pages) await page.close();
    await browser?.close();
    await server.close();
    await Deno.remove(bundleDir, { recursive: true });
  }
}

/** Both libraries on one execution provider, each in its own page, measured interleaved. */
async function runEp(
  pages: readonly LibraryPage[],
  ep: DecodeEp,
  plan: DecodePlan,
  log: (line: string) => void,
): Promise<DecodeRow[]> {
  const settings = epPlan(plan, ep);
  if (settings === null) return [];
  // Loads are untimed and run in parallel, each page in its own renderer process.
  await Promise.all(pages.map(async ({ library, page }) => {
    const t0 = performance.now();
    await page.load({ library, ep });
    log(`chromium ${library} ${ep}: loaded in ${ms(t0)}`);
  }));
  const timerFor = (page: PageHandle) => (batch: number): BatchTimer => async (maxTokens) =>
    PageRunResult.parse(await page.run({ ep, batch, maxTokens }));
  // Warmed up together, so that neither page idles between its warm-up and the measurement.
  const reports = await warmUp(
    pages.map(({ page }) => timerFor(page)),
    plan.batches,
    settings.warmup,
  );
  reports.forEach((w, i) => log(`chromium ${pages[i]?.library} ${ep}: ${describeWarmup(w)}`));
  // Every (library, batch) configuration in one interleaved measurement, so a late tier-up or
  // a burst of machine load lands on all of them alike.
  const contenders: Contender[] = pages.flatMap(({ library, page }) =>
    plan.batches.map((batch) => ({
      id: { library, runtime: "chromium" as const, ep },
      batch,
      timer: timerFor(page)(batch),
    }))
  );
  const t1 = performance.now();
  const rows = await measureInterleaved(contenders, {
    newTokens: settings.newTokens,
    reps: settings.reps,
    onRound: (r) => log(`chromium ${ep}: round ${r}/${settings.reps} done (${ms(t1)})`),
  });
  for (const row of rows) log(describeRow(row));
  return rows;
}

function ms(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}
