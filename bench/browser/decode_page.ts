/**
 * The decode bench page's API (`globalThis.decodeBench`, see page_protocol.ts), driven from
 * Deno by bench/decode_browser.ts through Playwright. One page holds one library (the driver opens
 * a fresh page for each), on wasm and then also on WebGPU, in-page with no worker:
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
  transformersVersion,
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
  | { readonly library: "verity"; readonly engine: Engine }
  | { readonly library: "transformers.js"; readonly model: TransformersModel };

/**
 * Build the page API over a page origin (e.g. `location.origin`).
 *
 * @example
 * ```ts
 * (globalThis as { decodeBench?: DecodeBenchPage }).decodeBench = createDecodeBenchPage(location.origin);
 * ```
 */
export function createDecodeBenchPage(origin: string): DecodeBenchPage {
  // One library per page, on one or both execution providers (one onnxruntime instance).
  const loaded = new Map<DecodeEp, Loaded>();
  return {
    async info(args) {
      const { webgpu } = PageInfoArgs.parse(args);
      return {
        verityOrt: ortVersion(),
        transformersVersion: transformersVersion(),
        transformersOrt: transformersOrtVersion(),
        webgpu: webgpu ? await webgpuAdapter() : null,
        userAgent: navigator.userAgent,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
      };
    },
    async load(args) {
      const { library, ep } = PageLoad.parse(args);
      const other = [...loaded.values()].find((l) => l.library !== library);
      if (loaded.has(ep) || other !== undefined) {
        throw new BenchPageError(
          `Cannot load ${library} on ${ep} as this page already holds ${other?.library ?? library}${
            other === undefined ? ` on ${ep}` : ""
          }`,
        );
      }
      if (library === "verity") {
        configureOrt({ wasmPaths: PAGE_PATHS.ort, numThreads: 1 });
        const engine = await createEngine({
          model: { kind: "url", url: `${origin}${PAGE_PATHS.models}${PAGE_PATHS.modelId}/` },
          ep,
          maxBatch: 8,
        });
        loaded.set(ep, { library, engine });
      } else {
        const model = await loadTransformers({
          localModelPath: PAGE_PATHS.models,
          modelId: PAGE_PATHS.modelId,
          ortDist: PAGE_PATHS.ortTransformers,
        }, ep);
        loaded.set(ep, { library, model });
      }
    },
    run(args) {
      const { ep, batch, maxTokens } = PageRun.parse(args);
      const l = loaded.get(ep);
      if (l === undefined) {
        return Promise.reject(new BenchPageError(`Cannot run on ${ep} before load() on ${ep}`));
      }
      const run = l.library === "verity"
        ? verityBatchRun(l.engine, batch)
        : transformersBatchRun(l.model, batch);
      return timed(run)(maxTokens);
    },
  };
}
