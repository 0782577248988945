/**
 * The worker side of the lab transport: chooses the jax-js device for each run (WebGPU first,
 * wasm with a stated reason when WebGPU is not there), runs one experiment at a time, streams
 * its progress, and sends errors with their names.
 *
 * @module
 */
import { initLabDevice, type LabDeviceInfo, type LabDeviceName } from "../device.ts";
import { LabSettingsError } from "../errors.ts";
import { type LabProgress } from "../experiment.ts";
import { type LabExperimentName, runLabExperiment } from "../experiments.ts";
import {
  type DeviceChoice,
  type FromLabWorker,
  type LabEndpoint,
  ToLabWorker,
  toWireError,
  type WireProgress,
} from "./protocol.ts";

/** What the host needs from the outside world (injectable for tests). */
export interface LabHostDeps {
  /** Initialise jax-js on one device (default: initLabDevice from ../device.ts). */
  readonly initDevice: (name: LabDeviceName) => Promise<LabDeviceInfo>;
  /** Why WebGPU cannot be used here, or undefined when an adapter exists. */
  readonly webgpuProblem: () => Promise<string | undefined>;
  /** Runs an experiment (default: runLabExperiment). */
  readonly run: (
    name: LabExperimentName,
    settings: unknown,
    options: { signal: AbortSignal; onProgress: (p: LabProgress) => void },
  ) => Promise<unknown>;
}

/** Why this scope's WebGPU cannot run the lab, or undefined when it can. */
export async function probeWebGpu(
  nav: { gpu?: { requestAdapter(): Promise<unknown> } } = globalThis.navigator,
): Promise<string | undefined> {
  if (nav?.gpu === undefined) {
    return "navigator.gpu is missing: this browser does not expose WebGPU to workers";
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    return adapter === null ? "navigator.gpu.requestAdapter() found no GPU adapter" : undefined;
  } catch (e) {
    return `navigator.gpu.requestAdapter() failed: ${(e as Error).message}`;
  }
}

/** Pick the device: WebGPU for "auto" and "webgpu" when it works, else wasm with the reason. */
export async function chooseDevice(
  requested: LabDeviceName,
  deps: Pick<LabHostDeps, "initDevice" | "webgpuProblem">,
): Promise<DeviceChoice> {
  if (requested === "wasm" || requested === "cpu") {
    return { requested, device: (await deps.initDevice(requested)).device };
  }
  let reason = await deps.webgpuProblem();
  if (reason === undefined) {
    try {
      return { requested, device: (await deps.initDevice("webgpu")).device };
    } catch (e) {
      reason = `jax-js could not start WebGPU: ${(e as Error).message}`;
    }
  }
  const { device } = await deps.initDevice("wasm");
  return { requested, device, fallbackReason: reason };
}

const DEFAULT_DEPS: LabHostDeps = {
  initDevice: initLabDevice,
  webgpuProblem: () => probeWebGpu(),
  run: runLabExperiment,
};

/**
 * Serve lab runs over a message endpoint (the worker global scope). One run at a time: a second
 * run while one is going is answered with a LabSettingsError.
 *
 * @example
 * ```ts
 * serveLab(self as unknown as LabEndpoint);
 * ```
 */
export function serveLab(scope: LabEndpoint, deps?: Partial<LabHostDeps>): () => void {
  const send = (m: FromLabWorker) => scope.postMessage(m);
  const runs = new Map<number, AbortController>();
  const d: LabHostDeps = { ...DEFAULT_DEPS, ...deps };
  const onMessage = async (event: MessageEvent) => {
    const parsed = ToLabWorker.safeParse(event.data);
    if (!parsed.success) return; // not ours (jax-js may post its own messages)
    const msg = parsed.data;
    if (msg.kind === "abort") {
      runs.get(msg.id)?.abort();
      return;
    }
    const { id } = msg;
    if (runs.size > 0) {
      const busy = new LabSettingsError(
        `Cannot start run ${id} as the lab worker runs one experiment at a time: current run is ${
          [...runs.keys()][0]
        }`,
      );
      send({ kind: "error", id, error: toWireError(busy) });
      return;
    }
    const ctrl = new AbortController();
    runs.set(id, ctrl);
    try {
      const choice = await chooseDevice(msg.device, d);
      send({ kind: "device", id, choice });
      const result = await d.run(msg.experiment, msg.settings, {
        signal: ctrl.signal,
        onProgress: (p) => send({ kind: "progress", id, progress: wireProgress(p) }),
      });
      send({ kind: "result", id, result });
    } catch (err) {
      send({ kind: "error", id, error: toWireError(err) });
    } finally {
      runs.delete(id);
    }
  };
  scope.addEventListener("message", onMessage);
  return () => {
    scope.removeEventListener("message", onMessage);
    for (const c of runs.values()) c.abort();
  };
}

/** A plain copy of a progress report (only the wire fields, so postMessage never clones more). */
function wireProgress(p: LabProgress): WireProgress {
  return {
    fraction: p.fraction,
    message: p.message,
    ...(p.series !== undefined ? { series: p.series } : {}),
    ...(p.point !== undefined ? { point: { ...p.point } } : {}),
  };
}
