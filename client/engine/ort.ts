/**
 * The one module that imports onnxruntime-web. Everything else in Verity talks to
 * onnxruntime through the functions and types exported here, so the runtime choice,
 * its global settings and its quirks live in one place.
 *
 * Nothing happens at import time: the runtime is configured by {@link configureOrt}.
 *
 * @module
 */
import * as ort from "onnxruntime-web/webgpu";

/** The onnxruntime-web namespace (for types and `Tensor`). */
export { ort };

/** An execution provider Verity can run on. */
export type ExecutionProvider = "webgpu" | "wasm";

/** Global runtime settings applied once before the first session is created. */
export interface OrtSettings {
  /** URL prefix (browser) where ort-wasm-*.wasm/.mjs files are served; undefined = package default. */
  readonly wasmPaths?: string;
  /** wasm threads; 1 under Deno (no worker threads), more with cross-origin isolation. */
  readonly numThreads?: number;
  /** onnxruntime log level. */
  readonly logLevel?: "verbose" | "info" | "warning" | "error" | "fatal";
}

/**
 * Apply global onnxruntime-web settings. Call before creating sessions.
 *
 * @example
 * ```ts
 * configureOrt({ numThreads: 1 });
 * ```
 */
export function configureOrt(settings: OrtSettings): void {
  if (settings.wasmPaths !== undefined) ort.env.wasm.wasmPaths = settings.wasmPaths;
  ort.env.wasm.numThreads = settings.numThreads ?? 1;
  ort.env.logLevel = settings.logLevel ?? "error";
}

/**
 * Make onnxruntime's WebGPU backend use an adapter we already requested. Requesting a second
 * adapter costs seconds on software adapters (llvmpipe, SwiftShader), and onnxruntime reads
 * `env.webgpu.adapter` only before its first WebGPU session, so later calls are ignored.
 */
export function useWebGpuAdapter(adapter: unknown): void {
  const env = ort.env.webgpu as { adapter?: unknown };
  if (adapter !== undefined && env.adapter === undefined) env.adapter = adapter;
}

/** What Verity uses of onnxruntime's `GPUDevice`: its loss promise and `destroy()`. */
export interface WebGpuDevice {
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  destroy(): void;
}

/**
 * The `GPUDevice` onnxruntime's WebGPU backend runs on. Call only after a WebGPU session was
 * created: before that, reading `env.webgpu.device` makes onnxruntime create a new device.
 */
export async function webGpuDevice(): Promise<WebGpuDevice> {
  return (await ort.env.webgpu.device) as unknown as WebGpuDevice;
}

/** The onnxruntime-web version string. */
export function ortVersion(): string {
  return ort.env.versions.web ?? "unknown";
}

/**
 * Create an inference session from model bytes on one execution provider.
 *
 * @example
 * ```ts
 * const session = await createSession(bytes, "wasm");
 * ```
 */
export function createSession(
  bytes: Uint8Array,
  ep: ExecutionProvider,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
    ...options,
    executionProviders: [ep],
  });
}
