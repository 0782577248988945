/**
 * Drives the Verity chat page (client/ui) in Chromium for the browser engine tests: open it
 * with URL parameters, wait for the model, generate through the form, read progress and the
 * IndexedDB model cache.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import type { EngineInfo } from "../../client/engine/api.ts";
import type { LoadProgress } from "../../client/engine/loader/progress.ts";

/** The outcome of loading a model in the page. */
export type LoadOutcome =
  | { readonly ok: true; readonly info: EngineInfo }
  | {
    readonly ok: false;
    readonly name: string;
    readonly message: string;
    readonly causeName?: string;
  };

/** A page and the problems it reported. */
export interface OpenPage {
  readonly page: Page;
  /** Uncaught page errors and console errors (page and workers). */
  readonly problems: string[];
}

/** Open the page at `origin` with URL parameters (model, ep, cache); `prepare` runs before navigation. */
export async function openPage(
  context: BrowserContext,
  origin: string,
  params: Record<string, string>,
  prepare?: (page: Page) => Promise<void>,
): Promise<OpenPage> {
  const page = await context.newPage();
  await prepare?.(page);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  // The page's default is the trained world model; these tests pin the fixture unless they
  // name another model.
  const query = new URLSearchParams({ model: "/models/fixtures/target", ...params });
  await page.goto(`${origin}/?${query}`);
  return { page, problems };
}

/** Wait until the page's model load settles; errors come back by name, message and cause name. */
export function waitLoaded(page: Page): Promise<LoadOutcome> {
  return page.evaluate(async () => {
    const state = (globalThis as { verityPage?: { ready: Promise<EngineInfo> } }).verityPage;
    if (state === undefined) {
      throw new Error("globalThis.verityPage is missing: the page bundle did not start");
    }
    try {
      return { ok: true as const, info: await state.ready };
    } catch (err) {
      const e = err as Error;
      const causeName = (e.cause as Error | undefined)?.name;
      return {
        ok: false as const,
        name: e.name,
        message: e.message,
        ...(causeName ? { causeName } : {}),
      };
    }
  });
}

/** Every progress event of the page's last load. */
export function progressEvents(page: Page): Promise<LoadProgress[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { verityPage: { progress: LoadProgress[] } }).verityPage.progress
  );
}

/**
 * Start a new conversation (so no history reaches the model), type a prompt, press Send and
 * wait for the streamed answer; returns its raw text (the page renders it as markdown) and
 * how it ended: "stop" when it ended normally (end of sequence or token limit), else
 * "aborted" or "error".
 */
export async function generateInPage(
  page: Page,
  prompt: string,
  maxTokens: number,
  timeoutMs = 90_000,
): Promise<{ text: string; done: string }> {
  await page.click("#new-conversation");
  await page.waitForSelector("#messages:empty", { state: "attached" });
  await page.fill("#prompt", prompt);
  await page.fill("#max-tokens", String(maxTokens));
  await page.fill("#temperature", "0");
  await page.click("#generate");
  await page.waitForSelector("#output[data-done]", { state: "attached", timeout: timeoutMs });
  return await page.evaluate(() => {
    const state = (globalThis as { verityPage?: { lastAnswer?: { text: string; done: string } } })
      .verityPage;
    const last = state?.lastAnswer ?? { text: "", done: "missing" };
    return { text: last.text, done: last.done === "length" ? "stop" : last.done };
  });
}

/** The URLs (and byte lengths) stored in the page origin's model cache, read with raw IndexedDB. */
export function cachedFiles(
  page: Page,
): Promise<{ entries: { url: string; byteLength: number }[]; blobs: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open("verity-model-files");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const request = <T>(make: (tx: IDBTransaction) => IDBRequest) =>
      new Promise<T>((resolve, reject) => {
        const req = make(db.transaction(["files", "blobs"]));
        req.onsuccess = () => resolve(req.result as T);
        req.onerror = () => reject(req.error);
      });
    const entries = await request<{ url: string; byteLength: number }[]>((tx) =>
      tx.objectStore("files").getAll()
    );
    const blobs = await request<number>((tx) => tx.objectStore("blobs").count());
    db.close();
    return { entries: entries.map((e) => ({ url: e.url, byteLength: e.byteLength })), blobs };
  });
}
