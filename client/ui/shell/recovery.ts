/**
 * Runs the recovery actions offered with a failure (see failures.ts): reload the model (as it
 * was, the default one, without caching, on another execution provider), open the Models tab,
 * turn the pipelines off and answer again, or send the last message again.
 *
 * @module
 */
import { DEFAULT_DRAFT, DEFAULT_MODEL } from "../models/catalog.ts";
import { pipelineSettingsOf } from "../chat/pipeline_bridge.ts";
import type { LoadRequest } from "./engine_session.ts";
import type { RecoveryAction } from "./failures.ts";

/** What recovery can do on the page. */
export interface RecoveryContext {
  /** The last load request. */
  request(): LoadRequest;
  load(request: LoadRequest): void;
  selectTab(tabId: string): void;
  /** The open conversation's pipeline settings. */
  pipeline(): unknown;
  setPipeline(settings: unknown): Promise<void>;
  /** Use the base model (no adapter) in the open conversation. */
  clearAdapter(): Promise<void>;
  retrySend(): void;
}

/**
 * Run one recovery action.
 *
 * @example
 * ```ts
 * await recover("restart-wasm", context);
 * ```
 */
export async function recover(action: RecoveryAction, ctx: RecoveryContext): Promise<void> {
  const request = ctx.request();
  switch (action) {
    case "retry-load":
      return ctx.load(request);
    case "load-default":
      return ctx.load({
        ...request,
        modelUrl: new URL(DEFAULT_MODEL, location.href).href,
        draftUrl: new URL(DEFAULT_DRAFT, location.href).href,
      });
    case "load-without-cache":
      return ctx.load({ ...request, cache: false });
    case "open-models":
      return ctx.selectTab("tab-models");
    case "restart-wasm":
      return ctx.load({ ...request, ep: "wasm" });
    case "restart-webgpu":
      return ctx.load({ ...request, ep: "webgpu" });
    case "pipelines-off": {
      // Keep speculative decoding as it was: it runs without the edge.
      const current = pipelineSettingsOf(ctx.pipeline());
      const off = {
        ...current,
        s2a: "off",
        selfrag: false,
        bestOfN: { ...current.bestOfN, enabled: false },
        cove: "off",
      };
      await ctx.setPipeline(off);
      return ctx.retrySend();
    }
    case "adapter-off":
      await ctx.clearAdapter();
      return ctx.retrySend();
    case "retry-send":
      return ctx.retrySend();
    case "dismiss":
      return;
  }
}

/**
 * Show "Offline" in `badge` while the browser has no network.
 *
 * @example
 * ```ts
 * watchOnline(document.getElementById("offline-badge")!);
 * ```
 */
export function watchOnline(badge: HTMLElement): void {
  const show = () => {
    badge.hidden = navigator.onLine;
    badge.textContent = "Offline";
  };
  addEventListener("online", show);
  addEventListener("offline", show);
  show();
}
