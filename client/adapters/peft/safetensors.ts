/**
 * A small safetensors reader for adapter files (the browser cannot use the forge's): the header
 * is checked by ../safetensors_header.ts, then the raw little-endian data is decoded. F32, F16
 * and BF16 are read, always as float32.
 *
 * @module
 */
import { AdapterError } from "../../engine/errors.ts";
import { parseSafetensorsHeader } from "../safetensors_header.ts";

/** A float32 tensor with its shape (row-major). */
export interface AdapterTensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: Float32Array;
}

function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Parse `adapter_model.safetensors`. Throws {@link AdapterError} naming what is malformed.
 *
 * @example
 * ```ts
 * const tensors = readAdapterSafetensors(files.weights);
 * ```
 */
export function readAdapterSafetensors(bytes: Uint8Array): Map<string, AdapterTensor> {
  const fail = (why: string) =>
    new AdapterError(`Cannot load adapter as adapter_model.safetensors is malformed: ${why}`);
  const parsed = parseSafetensorsHeader(bytes);
  if (!parsed.ok) throw fail(parsed.reason);
  const { tensors, dataStart } = parsed.header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, AdapterTensor>();
  for (const [name, { dtype, shape, data_offsets: [begin] }] of tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count); // shape
    const bits = new Uint32Array(data.buffer);
    const base = dataStart + begin;
    for (let i = 0; i < count; i++) {
      if (dtype === "F32") data[i] = view.getFloat32(base + 4 * i, true);
      else if (dtype === "F16") data[i] = half(view.getUint16(base + 2 * i, true));
      else bits[i] = view.getUint16(base + 2 * i, true) << 16; // bf16 = top half of f32
    }
    out.set(name, { shape, data });
  }
  return out;
}
