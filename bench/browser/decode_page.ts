/**
 * The decode bench page's API (`globalThis.decodeBench`), driven from Deno by
 * bench/decode_browser.ts through Playwright. One page holds one library on one execution
 * provider (the driver opens a fresh page for each), both in-page with no worker:
 *
 * - Verity: `createEngine` over the model URL, onnxruntime-web 1.30 from `/ort/`.
 * - transformers.js: its web build over the same folder, its own onnxruntime-web from
 *   `/ort-tjs/`.
 *
 * Both run single-threaded on wasm, or on WebGPU when the browser has an adapter.
 *
 * @module
 */
import { z } from "zod";
import type { Engine } from "../../client/engine/api.ts";
import { createEngine } from "../../client/engine/engine.ts";
import { configureOrt, ortVersion } from "../../client/engine/ort.ts";
import { DecodeEp, DecodeLibrary, type DecodeRow, measureRow } from "../decode_measure.ts";
import { verityBatchRun } from "../decode_verity.ts";
import {
  loadTransformers,
  transformersBatchRun,
  type TransformersModel,
  transformersOrtVersion,
} from "./transformers_runner.ts";

/** Same-origin URL layout the static server provides. */
export const PAGE_PATHS = {
  /** Folder holding the fixture model folders. */
  models: "/models/fixtures/",
  /** The model folder name. */
  modelId: "target",
  /** Verity's onnxruntime-web dist. */
  ort: "/ort/",
  /** transformers.js's own onnxruntime-web dist. */
  ortTransformers: "/ort-tjs/",
} as const;

/** `load()` argument. */
export const PageLoad = z.object({ library: DecodeLibrary, ep: DecodeEp });
/** `load()` argument. */
export type PageLoad = z.infer<typeof PageLoad>;

/** `measure()` argument. */
export const PageMeasure = z.object({
  batch: z.number().int().min(1),
  newTokens: z.number().int().min(2),
  reps: z.number().int().min(1),
});
/** `measure()` argument. */
export type PageMeasure = z.infer<typeof PageMeasure>;

/** What the page reports about itself. */
export const PageInfo = z.object({
  verityOrt: z.string(),
  transformersOrt: z.string(),
  /** WebGPU adapter description, or null when the browser exposes none. */
  webgpu: z.string().nullable(),
  userAgent: z.string(),
  crossOriginIsolated: z.boolean(),
});
/** What the page reports about itself. */
export type PageInfo = z.infer<typeof PageInfo>;

/** The page API. */
export interface DecodeBenchPage {
  info(): Promise<PageInfo>;
  /** Load one library on one execution provider (once per page). */
  load(args: PageLoad): Promise<void>;
  /** Measure one batch size of the loaded library. */
  measure(args: PageMeasure): Promise<DecodeRow>;
}

/** Raised when the page is driven out of order. */
export class BenchPageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchPageError";
  }
}

interface GpuAdapterLike {
  readonly info?: { readonly description?: string; readonly vendor?: string; readonly architecture?: string };
}

async function webgpuAdapter(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (gpu === undefined) return null;
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (adapter === null) return null;
  const i = adapter.info;
  return [i?.vendor, i?.architecture, i?.description].filter((s) => s !== undefined && s !== "")
    .join(" ") || "unnamed adapter";
}

type Loaded =
  | { readonly library: "verity"; readonly ep: DecodeEp; readonly engine: Engine }
  | { readonly library: "transformers.js"; readonly ep: DecodeEp; readonly model: TransformersModel };

/**
 * Build the page API over a page origin (e.g. `location.origin`).
 *
 * @example
 * ```ts
 * (globalThis as { decodeBench?: DecodeBenchPage }).decodeBench = createDecodeBenchPage(location.origin);
 * ```
 */
export function createDecodeBenchPage(origin: string): DecodeBenchPage {
  let loaded: Loaded | undefined;
  return {
    async info() {
      return {
        verityOrt: ortVersion(),
        transformersOrt: transformersOrtVersion(),
        webgpu: await webgpuAdapter(),
        userAgent: navigator.userAgent,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
      };
    },
    async load(args) {
      const { library, ep } = PageLoad.parse(args);
      if (loaded !== undefined) throw new BenchPageError("Cannot load twice in one bench page");
      if (library === "verity") {
        configureOrt({ wasmPaths: PAGE_PATHS.ort, numThreads: 1 });
        const engine = await createEngine({
          model: { kind: "url", url: `${origin}${PAGE_PATHS.models}${PAGE_PATHS.modelId}/` },
          ep,
          maxBatch: 8,
        });
        loaded = { library, ep, engine };
      } else {
        const model = await loadTransformers({
          localModelPath: PAGE_PATHS.models,
          modelId: PAGE_PATHS.modelId,
          ortDist: PAGE_PATHS.ortTransformers,
        }, ep);
        loaded = { library, ep, model };
      }
    },
    measure(args) {
      const { batch, newTokens, reps } = PageMeasure.parse(args);
      if (loaded === undefined) {
        return Promise.reject(new BenchPageError("Cannot measure before load()"));
      }
      const run = loaded.library === "verity"
        ? verityBatchRun(loaded.engine, batch)
        : transformersBatchRun(loaded.model, batch);
      return measureRow(run, { library: loaded.library, runtime: "chromium", ep: loaded.ep }, {
        batch,
        newTokens,
        reps,
      });
    },
  };
}
