/**
 * Test worker: serves an engine whose adapters come from the committed fixture adapter folders
 * (a {@link UrlAdapterSource} over file: URLs) over the worker transport under Deno.
 *
 * @module
 */
import "../engine/worker/hide_location.ts";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import type { MessageEndpoint } from "../../../client/engine/worker/protocol.ts";
import { serveEngine } from "../../../client/engine/worker/worker_host.ts";
import { UrlAdapterSource } from "../../../client/adapters/map_source.ts";

configureOrt({ numThreads: 1 });
const adapters = new UrlAdapterSource(
  new URL("../../../models/fixtures/adapters/", import.meta.url),
);
serveEngine(
  self as unknown as MessageEndpoint,
  (init, onProgress) => createEngine(init, { onProgress, adapters }),
);
