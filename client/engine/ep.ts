/**
 * Choosing the execution provider: WebGPU when an adapter exists, else wasm, with an
 * explicit override and a human-readable reason either way.
 *
 * @module
 */
import { EngineStateError } from "./errors.ts";
import type { ExecutionProvider } from "./ort.ts";

/** A requested provider: a fixed one or "auto". */
export type EpPreference = ExecutionProvider | "auto";

/** The provider chosen and why. */
export interface EpChoice {
  readonly ep: ExecutionProvider;
  readonly reason: string;
  /** The adapter found (WebGPU only); handed to onnxruntime so it does not request a second one. */
  readonly adapter?: unknown;
}

/** The subset of `navigator.gpu` used here (injectable for tests). */
export interface GpuLike {
  requestAdapter(): Promise<
    { readonly info?: { readonly description?: string; readonly vendor?: string } } | null
  >;
}

/**
 * Pick the execution provider.
 *
 * @example
 * ```ts
 * const { ep, reason } = await selectExecutionProvider("auto");
 * ```
 */
export async function selectExecutionProvider(
  preference: EpPreference = "auto",
  gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
): Promise<EpChoice> {
  if (preference === "wasm") return { ep: "wasm", reason: "wasm was requested" };
  if (gpu === undefined) {
    if (preference === "webgpu") {
      throw new EngineStateError(
        "Cannot use the 'webgpu' execution provider as navigator.gpu is undefined in this runtime",
      );
    }
    return {
      ep: "wasm",
      reason: "WebGPU is not available: navigator.gpu is undefined in this runtime",
    };
  }
  let adapter: Awaited<ReturnType<GpuLike["requestAdapter"]>> = null;
  let failure = "";
  try {
    adapter = await gpu.requestAdapter();
  } catch (err) {
    failure = `: ${String(err)}`;
  }
  if (adapter === null) {
    if (preference === "webgpu") {
      throw new EngineStateError(
        `Cannot use the 'webgpu' execution provider as no WebGPU adapter was found${failure}`,
      );
    }
    return { ep: "wasm", reason: `WebGPU is not available: no adapter was found${failure}` };
  }
  const name = adapter.info?.description || adapter.info?.vendor || "unnamed adapter";
  return {
    ep: "webgpu",
    reason: preference === "webgpu"
      ? `webgpu was requested (${name})`
      : `WebGPU adapter found: ${name}`,
    adapter,
  };
}
