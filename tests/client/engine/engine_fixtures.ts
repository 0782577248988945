/**
 * Test helpers: fixture model folders and engines over them.
 *
 * @module
 */
import { createEngine } from "../../../client/engine/engine.ts";
import type { Engine } from "../../../client/engine/api.ts";
import { configureOrt, type ExecutionProvider } from "../../../client/engine/ort.ts";

/** Folder of a committed fixture model. */
export const fixturePath = (name: "target" | "draft") =>
  new URL(`../../../models/fixtures/${name}`, import.meta.url).pathname;

/** An engine over a fixture model (wasm runs single-threaded under Deno). */
export function fixtureEngine(
  name: "target" | "draft",
  ep: ExecutionProvider,
  maxBatch = 8,
): Promise<Engine> {
  configureOrt({ numThreads: 1 });
  return createEngine({ model: { kind: "path", path: fixturePath(name) }, ep, maxBatch });
}

/** Sanitizer settings for tests that hold onnxruntime sessions (its wasm keeps timers). */
export const ortTest = { sanitizeOps: false, sanitizeResources: false } as const;
