/**
 * The thin device adapter between the lab and jax-js. The same experiment code runs on the wasm
 * device under Deno and on WebGPU in a browser; only this file knows how a device is chosen and
 * how host buffers cross to and from it. Reads are always asynchronous (WebGPU cannot read
 * synchronously), so experiments await them and stay responsive to an AbortSignal.
 *
 * @module
 */
import { defaultDevice, type Device, init, numpy as np } from "@jax-js/jax";
import { z } from "zod";
import { LabDeviceError, LabSettingsError } from "./errors.ts";

/** Which jax-js device to run on; `auto` takes WebGPU in a browser and wasm elsewhere. */
export const LabDeviceName = z.enum(["auto", "wasm", "webgpu", "cpu"]);
/** Which jax-js device to run on. */
export type LabDeviceName = z.infer<typeof LabDeviceName>;

/** Floating-point precision of parameters and data; float64 exists on wasm and cpu only. */
export const LabDtype = z.enum(["float32", "float64"]);
/** Floating-point precision of parameters and data. */
export type LabDtype = z.infer<typeof LabDtype>;

/** What `initLabDevice` chose. */
export type LabDeviceInfo = { device: Device; available: Device[] };

function inDeno(): boolean {
  return typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
}

/**
 * Initialise jax-js and make the chosen device the default.
 *
 * @example
 * ```ts
 * const { device } = await initLabDevice("auto"); // "wasm" under Deno, "webgpu" in Chrome
 * ```
 */
export async function initLabDevice(name: LabDeviceName = "auto"): Promise<LabDeviceInfo> {
  const wanted: Device[] = name === "auto"
    ? (inDeno() || !("gpu" in navigator) ? ["wasm"] : ["webgpu", "wasm"])
    : [name];
  const available = await init(...wanted);
  const device = wanted.find((d) => available.includes(d));
  if (device === undefined) {
    throw new LabDeviceError(
      `Cannot run the lab as 'device' must be one of ${
        available.map((d) => `"${d}"`).join(", ")
      }: current value is "${name}"`,
    );
  }
  defaultDevice(device);
  return { device, available };
}

/** The jax-js dtype for a lab dtype; rejects float64 on WebGPU. */
export function jaxDtype(dtype: LabDtype): np.DType {
  if (dtype === "float64") {
    if (defaultDevice() === "webgpu") {
      throw new LabSettingsError(
        `Cannot run on webgpu as 'dtype' must be one of "float32": current value is "float64"`,
      );
    }
    return np.float64;
  }
  return np.float32;
}

/** Host numbers to a device array of the given shape and dtype. */
export function fromHost(
  values: ArrayLike<number>,
  shape: number[],
  dtype: LabDtype,
): np.Array {
  const data = dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  return np.array(data, { shape, dtype: jaxDtype(dtype) });
}

/** Host integers to an int32 device array. */
export function intsFromHost(values: ArrayLike<number>, shape: number[]): np.Array {
  return np.array(Int32Array.from(values), { shape, dtype: np.int32 });
}

/** Read an array back to the host as float64 numbers (consumes the array). */
export async function toHost(a: np.Array): Promise<Float64Array> {
  const data = await a.data();
  return Float64Array.from(data as ArrayLike<number>);
}

/** Read a scalar array back as a number (consumes the array). */
export async function scalarToHost(a: np.Array): Promise<number> {
  const data = await toHost(a);
  return data[0] ?? Number.NaN;
}
