/**
 * The protocol between the decode bench page and its Deno driver: the same-origin URL layout,
 * the zod schemas of what crosses `page.evaluate`, and the page API's interface. Free of the
 * engine and of transformers.js, so the driver imports it without loading either.
 *
 * @module
 */
import { z } from "zod";
import { DecodeEp, DecodeLibrary, type TimedOutcome } from "../decode_measure.ts";

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

/** `run()` argument: one generation of the first `batch` prompts, `maxTokens` tokens each. */
export const PageRun = z.object({
  ep: DecodeEp,
  batch: z.number().int().min(1),
  maxTokens: z.number().int().min(1),
});
/** `run()` argument. */
export type PageRun = z.infer<typeof PageRun>;

/** `run()` result: wall time in the page (ms) and token counts. */
export const PageRunResult = z.object({
  ms: z.number().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  newTokens: z.number().int().nonnegative(),
});

/** `info()` argument: whether to look for a WebGPU adapter (seconds on SwiftShader). */
export const PageInfoArgs = z.object({ webgpu: z.boolean() });
/** `info()` argument. */
export type PageInfoArgs = z.infer<typeof PageInfoArgs>;

/** What the page reports about itself. */
export const PageInfo = z.object({
  verityOrt: z.string(),
  transformersVersion: z.string(),
  transformersOrt: z.string(),
  /** WebGPU adapter description, or null when the browser exposes none (or it was not asked). */
  webgpu: z.string().nullable(),
  userAgent: z.string(),
  crossOriginIsolated: z.boolean(),
});
/** What the page reports about itself. */
export type PageInfo = z.infer<typeof PageInfo>;

/** The page API. */
export interface DecodeBenchPage {
  info(args: PageInfoArgs): Promise<PageInfo>;
  /** Load the page's library on one execution provider (each at most once; one library a page). */
  load(args: PageLoad): Promise<void>;
  /** Generate once with the library loaded on `ep`, timed in the page. */
  run(args: PageRun): Promise<TimedOutcome>;
}
