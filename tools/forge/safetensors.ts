/**
 * Safetensors reader and writer (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header `{ name: { dtype, shape, data_offsets } }`,
 * then the raw little-endian tensor bytes. The writer emits F32; the reader accepts F32,
 * F16 and BF16 and always returns float32 data.
 *
 * @module
 */
import { z } from "zod";
import { SafetensorsError } from "./errors.ts";

/** A float32 tensor with its shape (row-major). */
export interface F32Tensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Row-major values; length is the product of `shape`. */
  readonly data: Float32Array;
}

/** One header entry of a safetensors file. */
export const SafetensorsEntry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
/** One header entry of a safetensors file. */
export type SafetensorsEntry = z.infer<typeof SafetensorsEntry>;

const BYTES_PER_ELEMENT: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * Product of a shape's dimensions.
 *
 * @example
 * ```ts
 * shapeSize([2, 3]); // 6
 * ```
 */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Serialize tensors as an F32 safetensors file. Tensors are written in sorted name order
 * and the header is space-padded to 8 bytes, so equal inputs give equal bytes.
 *
 * @example
 * ```ts
 * const bytes = writeSafetensors(new Map([["w", { shape: [2], data: new Float32Array([1, 2]) }]]));
 * ```
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, F32Tensor>,
  metadata: Readonly<Record<string, string>> = { format: "pt" },
): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name)!;
    if (tensor.data.length !== shapeSize(tensor.shape)) {
      throw new SafetensorsError(
        `Cannot write tensor '${name}' as its data length must equal the shape size ${
          shapeSize(tensor.shape)
        }: current value is ${tensor.data.length}`,
      );
    }
    const size = tensor.data.length * 4;
    header[name] = {
      dtype: "F32",
      shape: [...tensor.shape],
      data_offsets: [offset, offset + size],
    };
    offset += size;
  }
  let headerText = JSON.stringify(header);
  headerText += " ".repeat((8 - ((8 + headerText.length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let cursor = 8 + headerBytes.length;
  for (const name of names) {
    const data = tensors.get(name)!.data;
    for (let i = 0; i < data.length; i++) view.setFloat32(cursor + 4 * i, data[i]!, true);
    cursor += data.length * 4;
  }
  return out;
}

/**
 * Parse a safetensors file into float32 tensors (F16 and BF16 are widened to f32).
 * Throws {@link SafetensorsError} on a malformed header, an unsupported dtype or
 * out-of-range offsets.
 *
 * @example
 * ```ts
 * const tensors = readSafetensors(await Deno.readFile("model.safetensors"));
 * ```
 */
export function readSafetensors(bytes: Uint8Array): Map<string, F32Tensor> {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `Cannot read safetensors as the file must hold at least 8 bytes: current value is ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new SafetensorsError(
      `Cannot read safetensors as the header length must fit in the file (${bytes.length} bytes): current value is ${headerLength}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (cause) {
    throw new SafetensorsError("Cannot read safetensors as the header must be JSON", { cause });
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SafetensorsError("Cannot read safetensors as the header must be a JSON object");
  }
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, F32Tensor>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const parsed = SafetensorsEntry.safeParse(raw);
    if (!parsed.success) {
      throw new SafetensorsError(
        `Cannot read tensor '${name}' as its header entry must have dtype, shape and data_offsets: current value is ${
          JSON.stringify(raw)
        }`,
      );
    }
    tensors.set(name, decodeEntry(name, parsed.data, view, dataStart));
  }
  return tensors;
}

function decodeEntry(
  name: string,
  entry: SafetensorsEntry,
  view: DataView,
  dataStart: number,
): F32Tensor {
  const width = BYTES_PER_ELEMENT[entry.dtype];
  if (width === undefined) {
    throw new SafetensorsError(
      `Cannot read tensor '${name}' as 'dtype' must be one of "F32", "F16", "BF16": current value is "${entry.dtype}"`,
    );
  }
  const [begin, end] = entry.data_offsets;
  const count = shapeSize(entry.shape);
  if (end - begin !== count * width || dataStart + end > view.byteLength) {
    throw new SafetensorsError(
      `Cannot read tensor '${name}' as 'data_offsets' must span ${
        count * width
      } bytes inside the file: current value is [${begin}, ${end}]`,
    );
  }
  const data = new Float32Array(count);
  const bits = new Uint32Array(data.buffer); // aliases `data` for the bf16 bit shift
  const base = dataStart + begin;
  for (let i = 0; i < count; i++) {
    if (entry.dtype === "F32") data[i] = view.getFloat32(base + 4 * i, true);
    else if (entry.dtype === "F16") data[i] = halfToFloat(view.getUint16(base + 2 * i, true));
    else bits[i] = view.getUint16(base + 2 * i, true) << 16; // bf16 = top half of f32
  }
  return { shape: entry.shape, data };
}

/**
 * Convert IEEE 754 half-precision bits to a number.
 *
 * @example
 * ```ts
 * halfToFloat(0x3c00); // 1
 * ```
 */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Convert bfloat16 bits (the top half of a float32) to a number.
 *
 * @example
 * ```ts
 * bfloat16ToFloat(0x3f80); // 1
 * ```
 */
export function bfloat16ToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}
