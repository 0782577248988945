/**
 * Which model the page loads at start: URL parameters first (`model`, `draft`, `ep`, `cache`),
 * then the last choice made in the Models panel (localStorage), then the defaults.
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_DRAFT, DEFAULT_MODEL } from "../models/catalog.ts";
import type { LoadRequest } from "./engine_session.ts";

/** localStorage key of the last model choice. */
export const MODEL_CHOICE_KEY = "verity.model";

const Saved = z.object({
  modelUrl: z.string().min(1),
  draftUrl: z.string().min(1).optional(),
  ep: z.enum(["auto", "webgpu", "wasm"]),
  cache: z.boolean(),
});

const Ep = z.enum(["auto", "webgpu", "wasm"]);

/**
 * The load request for a page URL and the saved choice (JSON or null).
 *
 * @example
 * ```ts
 * initialLoadRequest(new URL("http://x/?ep=wasm"), null).ep; // "wasm"
 * ```
 */
export function initialLoadRequest(page: URL, saved: string | null): LoadRequest {
  let base: LoadRequest = {
    modelUrl: new URL(DEFAULT_MODEL, page).href,
    draftUrl: new URL(DEFAULT_DRAFT, page).href,
    ep: "auto",
    cache: true,
  };
  if (saved !== null) {
    try {
      const parsed = Saved.safeParse(JSON.parse(saved));
      if (parsed.success) {
        const { draftUrl, ...restSaved } = parsed.data;
        base = { ...restSaved, ...(draftUrl !== undefined ? { draftUrl } : {}) };
      }
    } catch {
      // A damaged saved choice: use the defaults.
    }
  }
  const p = page.searchParams;
  const model = p.get("model");
  const draft = p.get("draft");
  const ep = Ep.safeParse(p.get("ep"));
  const cache = p.get("cache");
  const { draftUrl: _, ...rest } = base;
  const draftUrl = draft !== null
    ? (draft === "" ? undefined : new URL(draft, page).href)
    : model !== null
    ? undefined
    : base.draftUrl;
  return {
    ...rest,
    ...(model !== null ? { modelUrl: new URL(model, page).href } : {}),
    ...(draftUrl !== undefined ? { draftUrl } : {}),
    ...(ep.success ? { ep: ep.data } : {}),
    ...(cache !== null ? { cache: cache !== "0" } : {}),
  };
}

/** Remember a choice made in the Models panel. */
export function saveLoadRequest(storage: Storage | undefined, request: LoadRequest): void {
  try {
    storage?.setItem(MODEL_CHOICE_KEY, JSON.stringify(request));
  } catch {
    // Storage can be full or disabled; the choice then lasts for this page only.
  }
}
