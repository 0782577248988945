/**
 * Modular arithmetic datasets for grokking: every pair (a, b) in [0, p)^2 labelled a+b, a-b or
 * a*b mod p, split at random into train and test. The train count is rounded to a multiple of
 * 16 (wasm matmuls are much faster on such shapes), so the realised train fraction is reported.
 *
 * @module
 */
import { z } from "zod";
import { padTo } from "./losses.ts";
import { permutation, type Rng } from "./rng.ts";

/** The binary operation: (a + b), (a - b) or (a * b) mod p. */
export const ModularOp = z.enum(["add", "sub", "mul"]);
/** The binary operation. */
export type ModularOp = z.infer<typeof ModularOp>;

/** Rows of one split as host arrays: operands and labels, each [rows]. */
export type ModularRows = { a: Int32Array; b: Int32Array; label: Int32Array };

/** A train/test split of all p^2 pairs. */
export type ModularSplit = {
  p: number;
  op: ModularOp;
  /** Classes padded to a multiple of 16: logits and one-hot inputs use this width. */
  classes: number;
  train: ModularRows;
  test: ModularRows;
  /** Realised train fraction after rounding. */
  trainFraction: number;
};

/** The label of (a, b). */
export function modularLabel(op: ModularOp, a: number, b: number, p: number): number {
  const v = op === "add" ? a + b : op === "sub" ? a - b : a * b;
  return ((v % p) + p) % p;
}

function rowsOf(pairs: number[], p: number, op: ModularOp): ModularRows {
  const a = Int32Array.from(pairs, (i) => Math.floor(i / p));
  const b = Int32Array.from(pairs, (i) => i % p);
  const label = a.map((ai, i) => modularLabel(op, ai, b[i]!, p));
  return { a, b, label };
}

/** Split all pairs with a seeded shuffle; the train count is a multiple of 16. */
export function makeModularSplit(
  p: number,
  op: ModularOp,
  trainFraction: number,
  rng: Rng,
): ModularSplit {
  const total = p * p;
  const nTrain = Math.min(total - 16, Math.max(16, Math.round((trainFraction * total) / 16) * 16));
  const order = Array.from(permutation(rng, total));
  return {
    p,
    op,
    classes: padTo(p),
    train: rowsOf(order.slice(0, nTrain), p, op),
    test: rowsOf(order.slice(nTrain), p, op),
    trainFraction: nTrain / total,
  };
}

/** MLP input: one-hot(a) in the first `classes` columns, one-hot(b) in the next; [rows, 2 classes]. */
export function oneHotPairs(rows: ModularRows, classes: number): Float32Array {
  const n = rows.a.length;
  const out = new Float32Array(n * 2 * classes);
  for (let i = 0; i < n; i++) {
    out[i * 2 * classes + rows.a[i]!] = 1;
    out[i * 2 * classes + classes + rows.b[i]!] = 1;
  }
  return out;
}

/** Transformer input: tokens [a, b, "="] with "=" = p; [rows, 3]. */
export function pairTokens(rows: ModularRows, p: number): Int32Array {
  const n = rows.a.length;
  const out = new Int32Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = rows.a[i]!;
    out[i * 3 + 1] = rows.b[i]!;
    out[i * 3 + 2] = p;
  }
  return out;
}
