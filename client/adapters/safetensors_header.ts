/**
 * Reads only the header of a safetensors file (an 8-byte little-endian length, then a JSON
 * object `{ name: { dtype, shape, data_offsets } }`) and checks every tensor's byte span, so
 * the store can validate adapter weights without decoding them; the PEFT reader
 * (peft/safetensors.ts) decodes the data after this check. Client code does not import the
 * forge's reader (tools/forge/safetensors.ts).
 *
 * @module
 */
import { z } from "zod";

/** Bytes per element of the dtypes an adapter may use. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2 };

/** One tensor of a safetensors header. */
export const SafetensorsTensorEntry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
/** One tensor of a safetensors header. */
export type SafetensorsTensorEntry = z.infer<typeof SafetensorsTensorEntry>;

/** A parsed header: tensors by name (without `__metadata__`) and where the data starts. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, SafetensorsTensorEntry>;
  /** Byte offset of the data section (8 + header length). */
  readonly dataStart: number;
}

/** The outcome of {@link parseSafetensorsHeader}: a header, or why the file is malformed. */
export type HeaderResult =
  | { readonly ok: true; readonly header: SafetensorsHeader }
  | { readonly ok: false; readonly reason: string };

// A header above 100 MB is a corrupt length field, not a real file (the format caps it too).
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Parse and check a safetensors header: JSON object, known dtypes, each tensor's
 * `data_offsets` spanning exactly its shape's bytes inside the file.
 *
 * @example
 * ```ts
 * const r = parseSafetensorsHeader(bytes);
 * if (r.ok) console.log([...r.header.tensors.keys()]);
 * ```
 */
export function parseSafetensorsHeader(bytes: Uint8Array): HeaderResult {
  if (bytes.byteLength < 8) {
    return {
      ok: false,
      reason: `the file must hold at least 8 bytes: it holds ${bytes.byteLength}`,
    };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    return {
      ok: false,
      reason: `the header length must fit in the file (${bytes.byteLength} bytes): it is ${length}`,
    };
  }
  const dataStart = 8 + Number(length);
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)),
    );
  } catch {
    return { ok: false, reason: "the header must be UTF-8 JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, reason: "the header must be a JSON object" };
  }
  const dataBytes = bytes.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensorEntry>();
  for (const [name, raw] of Object.entries(json)) {
    if (name === "__metadata__") continue;
    const parsed = SafetensorsTensorEntry.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        reason: `tensor '${name}' must have dtype, shape and data_offsets: it has ${
          JSON.stringify(raw)
        }`,
      };
    }
    const entry = parsed.data;
    const width = DTYPE_BYTES[entry.dtype];
    if (width === undefined) {
      return {
        ok: false,
        reason: `tensor '${name}' must have dtype F32, F16 or BF16: it has "${entry.dtype}"`,
      };
    }
    const [begin, end] = entry.data_offsets;
    const span = entry.shape.reduce((a, b) => a * b, 1) * width;
    if (end < begin || end - begin !== span || end > dataBytes) {
      return {
        ok: false,
        reason:
          `tensor '${name}' must span ${span} bytes inside the ${dataBytes}-byte data section: data_offsets are [${begin}, ${end}]`,
      };
    }
    tensors.set(name, entry);
  }
  return { ok: true, header: { tensors, dataStart } };
}
