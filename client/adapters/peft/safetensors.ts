/**
 * A small safetensors reader for adapter files (the browser cannot use the forge's): an 8-byte
 * little-endian header length, a JSON header `{ name: { dtype, shape, data_offsets } }`, then
 * raw little-endian data. F32, F16 and BF16 are read, always as float32.
 *
 * @module
 */
import { z } from "zod";
import { AdapterError } from "../../engine/errors.ts";

/** A float32 tensor with its shape (row-major). */
export interface AdapterTensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: Float32Array;
}

const Entry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

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
  if (bytes.length < 8) {
    throw fail(`the file must hold at least 8 bytes: current value is ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw fail(
      `the header length must fit in the file (${bytes.length} bytes): current value is ${headerLength}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw fail("the header must be JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw fail("the header must be a JSON object");
  }
  const start = 8 + headerLength;
  const out = new Map<string, AdapterTensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const entry = Entry.safeParse(raw);
    if (!entry.success) {
      throw fail(
        `tensor '${name}' must have dtype, shape and data_offsets: current value is ${
          JSON.stringify(raw)
        }`,
      );
    }
    const { dtype, shape, data_offsets: [begin, end] } = entry.data;
    const width = WIDTH[dtype];
    if (width === undefined) {
      throw fail(
        `tensor '${name}' must have dtype "F32", "F16" or "BF16": current value is "${dtype}"`,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * width || start + end > bytes.length) {
      throw fail(
        `tensor '${name}' must span ${
          count * width
        } bytes inside the file: current value is [${begin}, ${end}]`,
      );
    }
    const data = new Float32Array(count); // shape
    const bits = new Uint32Array(data.buffer);
    const base = start + begin;
    for (let i = 0; i < count; i++) {
      if (dtype === "F32") data[i] = view.getFloat32(base + 4 * i, true);
      else if (dtype === "F16") data[i] = half(view.getUint16(base + 2 * i, true));
      else bits[i] = view.getUint16(base + 2 * i, true) << 16; // bf16 = top half of f32
    }
    out.set(name, { shape, data });
  }
  return out;
}
