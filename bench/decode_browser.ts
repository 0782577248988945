/**
 * The Chromium half of the decode benchmark: bundles the bench page (bench/browser/entry.ts,
 * Verity's engine plus transformers.js's web build) with `deno bundle --platform browser`,
 * serves it on 127.0.0.1 with COOP/COEP headers next to the model folder and both libraries'
 * onnxruntime-web dist folders, and drives headless Chromium through the page API, one fresh
 * page per (library, execution provider). Every request outside 127.0.0.1 is blocked and
 * reported, so nothing comes from a CDN.
 *
 * @module
 */
import type { BrowserContext } from "playwright-core";
import { launchChromium } from "../tests/helpers/chromium.ts";
import { type StaticMount, startStaticServer } from "../tests/helpers/static_server.ts";
import { type DecodeEp, type DecodeLibrary, DecodeRow } from "./decode_measure.ts";
import type { DecodePlan } from "./decode_plan.ts";
import {
  type DecodeBenchPage,
  PageInfo,
  type PageLoad,
  type PageMeasure,
} from "./browser/decode_page.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

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

/** Bundle the page entry into `outDir/entry.js`. */
export async function bundlePage(outDir: string): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--format",
    "esm",
    "-o",
    `${outDir}/entry.js`,
    "bench/browser/entry.ts",
  ];
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new BenchBrowserError(
      `Cannot bundle the bench page as deno bundle exited with code ${code}: ${
        new TextDecoder().decode(stderr)
      }`,
    );
  }
}

/**
 * The onnxruntime-web dist folder transformers.js depends on (its own version, not Verity's),
 * found through the version of @huggingface/transformers pinned in deno.json.
 */
export async function transformersOrtDist(root = ROOT): Promise<string> {
  const deno = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)) as {
    imports?: Record<string, string>;
  };
  const spec = deno.imports?.["@huggingface/transformers"] ?? "";
  const version = /@huggingface\/transformers@([^/]+)$/.exec(spec)?.[1];
  if (version === undefined) {
    throw new BenchBrowserError(
      `Cannot find transformers.js as deno.json imports '@huggingface/transformers' as "${spec}"`,
    );
  }
  const dir =
    `${root}/node_modules/.deno/@huggingface+transformers@${version}/node_modules/onnxruntime-web/dist`;
  try {
    return await Deno.realPath(dir);
  } catch (cause) {
    throw new BenchBrowserError(
      `Cannot find transformers.js's onnxruntime-web at '${dir}': run 'deno install'`,
      { cause },
    );
  }
}

/** The static server's routes for the bench page. */
export function pageMounts(bundleDir: string, ortTjsDir: string, root = ROOT): StaticMount[] {
  return [
    { path: "/", file: `${root}/bench/browser/index.html` },
    { prefix: "/bench/", dir: bundleDir },
    { prefix: "/models/", dir: `${root}/models` },
    { prefix: "/ort/", dir: `${root}/node_modules/onnxruntime-web/dist` },
    { prefix: "/ort-tjs/", dir: ortTjsDir },
  ];
}

/** The page API as seen from Deno (each call crosses into the page). */
interface PageHandle {
  info(): Promise<unknown>;
  load(args: PageLoad): Promise<void>;
  measure(args: PageMeasure): Promise<unknown>;
  close(): Promise<void>;
}

/** Open a fresh page on the bench page; requests outside 127.0.0.1 are blocked and recorded. */
async function openPage(
  context: BrowserContext,
  url: string,
  blocked: string[],
): Promise<PageHandle> {
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
    info: () =>
      guard(
        "info()",
        page.evaluate(() =>
          (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.info()
        ),
      ),
    load: (a) =>
      guard(
        "load()",
        page.evaluate((x) =>
          (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.load(x), a),
      ),
    measure: (a) =>
      guard(
        "measure()",
        page.evaluate((x) =>
          (globalThis as unknown as { decodeBench: DecodeBenchPage }).decodeBench.measure(x), a),
      ),
    close: () => page.close(),
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
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const t0 = performance.now();
    await bundlePage(bundleDir);
    const srv = startStaticServer(pageMounts(bundleDir, await transformersOrtDist()));
    server.close = srv.close;
    browser = await launchChromium();
    const chromium = browser.version();
    log(`chromium ${chromium}: page bundled and browser up in ${ms(t0)}`);
    const context = await browser.newContext();
    const blocked: string[] = [];
    const first = await openPage(context, `${srv.url}/`, blocked);
    const info = PageInfo.parse(await first.info());
    await first.close();
    log(`chromium page: ${JSON.stringify(info)}`);
    const skipped: string[] = [];
    const eps: DecodeEp[] = ["wasm"];
    if (!plan.webgpu) skipped.push("chromium webgpu rows skipped (--quick)");
    else if (info.webgpu === null) skipped.push("chromium webgpu rows skipped: no WebGPU adapter");
    else eps.push("webgpu");
    const rows: DecodeRow[] = [];
    for (const ep of eps) {
      for (const library of ["verity", "transformers.js"] as DecodeLibrary[]) {
        rows.push(...await runConfig(context, `${srv.url}/`, blocked, { library, ep }, plan, log));
      }
    }
    if (blocked.length > 0) {
      throw new BenchBrowserError(
        `The bench page requested ${blocked.length} URL(s) outside 127.0.0.1: ${
          blocked.slice(0, 5).join(", ")
        }`,
      );
    }
    return { rows, info, chromium, skipped };
  } finally {
    await browser?.close();
    await server.close();
    await Deno.remove(bundleDir, { recursive: true });
  }
}

async function runConfig(
  context: BrowserContext,
  url: string,
  blocked: string[],
  id: { library: DecodeLibrary; ep: DecodeEp },
  plan: DecodePlan,
  log: (line: string) => void,
): Promise<DecodeRow[]> {
  const t0 = performance.now();
  const page = await openPage(context, url, blocked);
  try {
    await page.load(id);
    log(`chromium ${id.library} ${id.ep}: loaded in ${ms(t0)}`);
    const rows: DecodeRow[] = [];
    for (const batch of plan.batches) {
      const t1 = performance.now();
      const row = DecodeRow.parse(
        await page.measure({ batch, newTokens: plan.newTokens, reps: plan.reps }),
      );
      log(`${describe(row)} (${ms(t1)})`);
      rows.push(row);
    }
    return rows;
  } finally {
    await page.close();
  }
}

/** One progress line for a row. */
export function describe(row: DecodeRow): string {
  return `${row.runtime} ${row.library} ${row.ep} b${row.batch}: decode ${
    row.decode_tokens_per_s.toFixed(1)
  } tok/s, prefill ${row.prefill_tokens_per_s.toFixed(0)} tok/s`;
}

function ms(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}
