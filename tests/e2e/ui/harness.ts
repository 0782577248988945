/**
 * Shared setup of the chat UI end-to-end tests: build the client into a temporary folder,
 * start the real server (functions/main.ts) on 127.0.0.1 with a free port serving that build,
 * launch one headless Chromium (WebGPU on SwiftShader), and collect console errors, uncaught
 * page errors and requests that leave the origin. Screenshots go to the artifacts folder
 * (VERITY_ARTIFACTS, default a verity-ui-artifacts folder under the system temp folder).
 *
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { EngineInfo } from "../../../client/engine/api.ts";
import { type RunningServer, startServer } from "../../../functions/main.ts";
import { buildClient } from "../../../tools/build.ts";
import { launchChromium } from "../../helpers/chromium.ts";
import type { SideRole } from "../../../shared/pipeline.ts";

/** Folder for screenshots of the UI tests. */
export const ARTIFACTS = Deno.env.get("VERITY_ARTIFACTS") ??
  `${Deno.env.get("TMPDIR") ?? "/tmp"}/verity-ui-artifacts`;

/** A running UI test environment. */
export interface UiHarness {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Problems seen on every page opened through {@link UiHarness.open}. */
  readonly problems: string[];
  /** Requests to other origins. */
  readonly foreign: string[];
  /** A fresh context (empty storage) whose pages report problems. */
  newContext(): Promise<BrowserContext>;
  /** Open the app in `context` with URL parameters. */
  open(context: BrowserContext, params?: Record<string, string>): Promise<Page>;
  /** Save a screenshot as `<name>.png` in {@link ARTIFACTS}; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Build, serve and launch. */
export async function startUiHarness(): Promise<UiHarness> {
  const dist = await Deno.makeTempDir({ prefix: "verity-ui-dist-" });
  const data = await Deno.makeTempDir({ prefix: "verity-ui-data-" });
  await buildClient({ outDir: dist, minify: false });
  const server = await startServer({
    port: 0,
    hostname: "127.0.0.1",
    env: { VERITY_DATA_DIR: data, VERITY_STATE_SECRET: "ui-test-secret-".repeat(3) },
    log: () => {},
    clientDist: dist,
  });
  const browser = await launchChromium();
  const problems: string[] = [];
  const foreign: string[] = [];
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  return {
    server,
    browser,
    problems,
    foreign,
    async newContext() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      // The machines running the suite are often shared and busy: give actions room.
      context.setDefaultTimeout(60_000);
      context.setDefaultNavigationTimeout(90_000);
      context.on("request", (r) => {
        if (!r.url().startsWith(`${server.url}/`)) foreign.push(r.url());
      });
      return context;
    },
    async open(context, params = {}) {
      const page = await context.newPage();
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`);
      });
      // The page's default is the trained world model; these tests pin the fixture unless a
      // test names another model.
      const query = new URLSearchParams({ model: "/models/fixtures/target", ...params }).toString();
      await page.goto(`${server.url}/${query === "" ? "" : `?${query}`}`);
      return page;
    },
    async screenshot(page, name) {
      const path = `${ARTIFACTS}/${name}.png`;
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async close() {
      await browser.close();
      await server.close();
      await Deno.remove(dist, { recursive: true });
      await Deno.remove(data, { recursive: true });
    },
  };
}

/** Wait for the page's current model load; the info, or the error's name and message. */
export function loaded(
  page: Page,
): Promise<{ ok: true; info: EngineInfo } | { ok: false; name: string; message: string }> {
  return page.evaluate(async () => {
    const state = (globalThis as { verityPage?: { ready: Promise<EngineInfo> } }).verityPage;
    if (state === undefined) throw new Error("globalThis.verityPage is missing");
    try {
      return { ok: true as const, info: await state.ready };
    } catch (err) {
      const e = err as Error;
      return { ok: false as const, name: e.name, message: e.message };
    }
  });
}

/** Open the app in a fresh context with `params` and wait until its model loaded; throws the load error. */
export async function openLoaded(h: UiHarness, params: Record<string, string>): Promise<Page> {
  const page = await h.open(await h.newContext(), params);
  const result = await loaded(page);
  if (!result.ok) {
    throw new Error(
      `Cannot open the page as its model failed to load: ${result.name}: ${result.message}`,
    );
  }
  return page;
}

/** Type a value into a form field and let the page's controls see the change. */
export async function setField(page: Page, selector: string, value: string): Promise<void> {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, "change");
}

/** Type `text` into the message box, press Enter, and wait for the answer to end. */
export async function sendMessage(
  page: Page,
  text: string,
  timeoutMs = 120_000,
): Promise<{ text: string; done: string }> {
  await page.fill("#prompt", text);
  await page.press("#prompt", "Enter");
  await page.waitForSelector("#output[data-done]", { state: "attached", timeout: timeoutMs });
  return await page.evaluate(() => {
    const s = (globalThis as { verityPage?: { lastAnswer?: { text: string; done: string } } })
      .verityPage;
    return s?.lastAnswer ?? { text: "", done: "missing" };
  });
}

/**
 * Whether the page has started loading its side model of `role` (and not dropped it), read
 * from `verityPage.<role>.started`.
 */
export function sideStarted(page: Page, role: SideRole): Promise<boolean> {
  return page.evaluate((r) => {
    const page = (globalThis as { verityPage?: Record<string, { started?: boolean }> })
      .verityPage;
    return page?.[r]?.started === true;
  }, role);
}

/** Load the chat model at `path` (e.g. "/models/fixtures/target") on wasm through the page. */
export async function loadChatModel(page: Page, path: string): Promise<void> {
  await page.evaluate(async (p) => {
    const s = (globalThis as { verityPage?: { load(r: unknown): Promise<unknown> } }).verityPage;
    await s?.load({ modelUrl: new URL(p, location.href).href, ep: "wasm", cache: true });
  }, path);
}
