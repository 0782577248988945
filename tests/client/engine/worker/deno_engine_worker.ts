/**
 * Test worker: serves an in-process engine over the worker transport under Deno.
 *
 * @module
 */
import "./hide_location.ts";
import { createEngine } from "../../../../client/engine/engine.ts";
import { configureOrt } from "../../../../client/engine/ort.ts";
import type { MessageEndpoint } from "../../../../client/engine/worker/protocol.ts";
import { serveEngine } from "../../../../client/engine/worker/worker_host.ts";

configureOrt({ numThreads: 1 });
serveEngine(
  self as unknown as MessageEndpoint,
  (init, onProgress) => createEngine(init, { onProgress }),
);
