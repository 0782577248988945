/**
 * Scored positions of a host batch: per row, the row-local indices whose targets carry
 * loss, padded (index 0, weight 0) to R, the batch's largest per-row count rounded up to a
 * multiple of a bucket (at most T), so the compiled step sees only a few distinct shapes
 * ([B, R] with R in {bucket, 2 * bucket, ..., T}); jit compiles once per R.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import type { HostBatch } from "./data.ts";
import type { DeviceBatch } from "./loss.ts";

/** Scored positions of one batch on the host. */
export interface HostPositions {
  /** Scored positions per row. */
  readonly perRow: number;
  /** Row-local indices. // [B * R] */
  readonly positions: Int32Array<ArrayBuffer>;
  /** Targets at those indices. // [B * R] */
  readonly targets: Int32Array<ArrayBuffer>;
  /** Weights at those indices (0 on padding). // [B * R] */
  readonly weights: Float32Array<ArrayBuffer>;
}

/**
 * The positions a step scores: every position (`gathered` false) or each row's weighted
 * ones, padded to a common bucketed count.
 *
 * @example
 * ```ts
 * scoredPositions(batch, 8, 128, true).perRow % 16; // 0
 * ```
 */
export function scoredPositions(
  batch: HostBatch,
  rows: number,
  seq: number,
  gathered: boolean,
  bucket = 16,
): HostPositions {
  if (!gathered) {
    return {
      perRow: seq,
      positions: Int32Array.from({ length: rows * seq }, (_, i) => i % seq),
      targets: batch.targets,
      weights: batch.weights,
    };
  }
  const picked: number[][] = [];
  for (let b = 0; b < rows; b++) {
    const row: number[] = [];
    for (let i = 0; i < seq; i++) if (batch.weights[b * seq + i]! > 0) row.push(i);
    picked.push(row);
  }
  const most = Math.max(1, ...picked.map((row) => row.length));
  const perRow = Math.min(seq, Math.ceil(most / bucket) * bucket);
  const positions = new Int32Array(rows * perRow); // [B * R]
  const targets = new Int32Array(rows * perRow); // [B * R]
  const weights = new Float32Array(rows * perRow); // [B * R]
  picked.forEach((row, b) => {
    row.forEach((i, k) => {
      positions[b * perRow + k] = i;
      targets[b * perRow + k] = batch.targets[b * seq + i]!;
      weights[b * perRow + k] = batch.weights[b * seq + i]!;
    });
  });
  return { perRow, positions, targets, weights };
}

/**
 * A host batch on the device (fresh arrays the caller hands to a step, which consumes them).
 *
 * @example
 * ```ts
 * const device = deviceBatch(source.batchAt(0), 8, 128, true);
 * ```
 */
export function deviceBatch(
  batch: HostBatch,
  rows: number,
  seq: number,
  gathered: boolean,
): DeviceBatch {
  const scored = scoredPositions(batch, rows, seq, gathered);
  const p = scored.positions.length;
  return {
    inputs: np.array(batch.inputs, { shape: [rows, seq], dtype: np.int32 }),
    positions: np.array(scored.positions, { shape: [rows, scored.perRow], dtype: np.int32 }),
    targets: np.array(scored.targets, { shape: [p], dtype: np.int32 }),
    weights: np.array(scored.weights, { shape: [p] }),
  };
}
