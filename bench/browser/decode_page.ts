/**
 * The decode bench page's API (`globalThis.decodeBench`, see page_protocol.ts), driven from
 * Deno by bench/decode_browser.ts through Playwright. One page holds one library on one execution
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
import type { Engine } from "../../client/engine/api.ts";
import { createEngine } from "../../client/engine/engine.ts";
import { configureOrt, ortVersion } from "../../client/engine/ort.ts";
import { type DecodeEp, timed } from "../decode_measure.ts";
import { verityBatchRun } from "../decode_verity.ts";
import {
  type DecodeBenchPage,
  PAGE_PATHS,
  PageInfoArgs,
  PageLoad,
  PageRun,
} from "./page_protocol.ts";
import {
  loadTransformers,
  transformersBatchRun,
  type TransformersModel,
  transformersOrtVersion,
} from "./transformers_runner.ts";

/** Raised when the page is driven out of order. */
export class BenchPageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BenchPageError";
  }
}

interface GpuAdapterLike {
  readonly info?: {
    readonly description?: string;
    readonly vendor?: string;
    readonly architecture?: string;
  };
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
  | {
    readonly library: "transformers.js";
    readonly ep: DecodeEp;
    readonly model: TransformersModel;
  };

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
    async info(args) {
      const { webgpu } = PageInfoArgs.parse(args);
      return {
        verityOrt: ortVersion(),
        transformersOrt: transformersOrtVersion(),
        webgpu: webgpu ? await webgpuAdapter() : null,
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
    run(args) {
      const { batch, maxTokens } = PageRun.parse(args);
      if (loaded === undefined) {
        return Promise.reject(new BenchPageError("Cannot run before load()"));
      }
      const run = loaded.library === "verity"
        ? verityBatchRun(loaded.engine, batch)
        : transformersBatchRun(loaded.model, batch);
      return timed(run)(maxTokens);
    },
  };
}
