/**
 * Test helper: run a forged Llama ONNX session through client/engine/ort.ts with plain
 * number arrays, returning logits and present.* tensors to feed back as past_key_values.
 *
 * @module
 */
import { ort } from "../../../client/engine/ort.ts";
import type { LlamaConfig } from "../../../tools/forge/llama_config.ts";

/** One decoder call's inputs as plain arrays (rows of equal length). */
export interface LlamaStepInput {
  /** [batch][seq] */
  readonly inputIds: readonly (readonly number[])[];
  /** [batch][past + seq] */
  readonly attentionMask: readonly (readonly number[])[];
  /** [batch][seq] */
  readonly positionIds: readonly (readonly number[])[];
  /** present.* of the previous call, by input name; empty past when undefined. */
  readonly past?: ReadonlyMap<string, ort.Tensor>;
}

/** One decoder call's outputs. */
export interface LlamaStepOutput {
  /** [batch, seq, vocab] */
  readonly logits: Float32Array;
  /** Presents renamed to the matching `past_key_values.*` input names. */
  readonly past: Map<string, ort.Tensor>;
  /** Total cache length after this call. */
  readonly totalLength: number;
}

function int64Tensor(rows: readonly (readonly number[])[]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const data = BigInt64Array.from(rows.flat().map((v) => BigInt(v)));
  return new ort.Tensor("int64", data, [rows.length, width]);
}

/**
 * Run one decoder call and download the results to the CPU.
 *
 * @example
 * ```ts
 * const out = await runLlamaStep(session, config, { inputIds: [[1, 2]], attentionMask: [[1, 1]], positionIds: [[0, 1]] });
 * ```
 */
export async function runLlamaStep(
  session: ort.InferenceSession,
  config: LlamaConfig,
  input: LlamaStepInput,
): Promise<LlamaStepOutput> {
  const batch = input.inputIds.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64Tensor(input.inputIds),
    attention_mask: int64Tensor(input.attentionMask),
    position_ids: int64Tensor(input.positionIds),
  };
  for (let i = 0; i < config.num_hidden_layers; i++) {
    for (const kind of ["key", "value"]) {
      const name = `past_key_values.${i}.${kind}`;
      feeds[name] = input.past?.get(name) ??
        new ort.Tensor("float32", new Float32Array(0), [
          batch,
          config.num_key_value_heads,
          0,
          config.head_dim,
        ]);
    }
  }
  const results = await session.run(feeds);
  const logitsTensor = results.logits!;
  const logits = (await logitsTensor.getData()) as Float32Array;
  const past = new Map<string, ort.Tensor>();
  let totalLength = 0;
  for (let i = 0; i < config.num_hidden_layers; i++) {
    for (const kind of ["key", "value"]) {
      const present = results[`present.${i}.${kind}`]!;
      totalLength = present.dims[2]!;
      // Copy to a CPU tensor so the next call can take it as input on any EP.
      const data = (await present.getData()) as Float32Array;
      past.set(
        `past_key_values.${i}.${kind}`,
        new ort.Tensor("float32", data.slice(), present.dims),
      );
    }
  }
  return { logits: logits.slice(), past, totalLength };
}

/**
 * Largest |a - b| over the logits of one position.
 *
 * @example
 * ```ts
 * maxAbsDiff(new Float32Array([1]), new Float64Array([1.5])); // 0.5
 * ```
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Logits row of (row, position) from a [batch, seq, vocab] buffer. */
export function logitsAt(
  logits: Float32Array,
  seq: number,
  vocab: number,
  row: number,
  pos: number,
): Float32Array {
  const start = (row * seq + pos) * vocab;
  return logits.subarray(start, start + vocab);
}
