/**
 * Browser entry of the lab worker (bundled by tools/build.ts to client/ui/dist/lab_worker.js):
 * runs lab experiments on jax-js off the page's main thread, over the transport in
 * ./protocol.ts. Importing this file outside a worker has no effect.
 *
 * @module
 */
import type { LabEndpoint } from "./protocol.ts";
import { serveLab } from "./lab_host.ts";

const scope = globalThis as { WorkerGlobalScope?: abstract new () => unknown };
const isWorker = scope.WorkerGlobalScope !== undefined &&
  globalThis instanceof scope.WorkerGlobalScope;
if (isWorker) serveLab(globalThis as unknown as LabEndpoint);
