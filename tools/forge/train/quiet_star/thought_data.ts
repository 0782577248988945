/**
 * Host-side Quiet-STaR batches: examples tokenized with their loss mask, a seeded choice of
 * examples and branch positions per step (a pure function of (seed, step), so a resumed run
 * sees the same batches), the thought sequences grown token by token while thoughts are
 * sampled, and the one-hot selections of the objective.
 *
 * @module
 */
import { createRng, type Rng } from "../../rng.ts";
import type { TokenEncoder } from "../data.ts";
import type { TrainingExample } from "../../world/examples.ts";
import { type QsShape, thoughtRows, thoughtSeqLength } from "./objective.ts";

/** One tokenized example: ids and a 1 where the token is a trained target. */
export interface QsExample {
  readonly ids: Int32Array;
  readonly mask: Uint8Array;
}

/** Thought marker and padding ids. */
export interface QsTokens {
  readonly sot: number;
  readonly eot: number;
  readonly pad: number;
}

/**
 * Tokenize examples; those longer than `seq` or with no branch position (a trained target
 * followed by `ahead - 1` more tokens) are left out.
 */
export function tokenizeQsExamples(
  encoder: TokenEncoder,
  examples: readonly TrainingExample[],
  seq: number,
  ahead: number,
): QsExample[] {
  const out: QsExample[] = [];
  for (const ex of examples) {
    const ids: number[] = [];
    const mask: number[] = [];
    for (const s of ex.segments) {
      for (const id of encoder.encode(s.text).ids) {
        ids.push(id);
        mask.push(s.loss ? 1 : 0);
      }
    }
    const e = { ids: Int32Array.from(ids), mask: Uint8Array.from(mask) };
    if (ids.length <= seq && branchPositions(e, ahead).length > 0) out.push(e);
  }
  return out;
}

/** Positions i whose next token x_{i+1} is trained and x_{i+1}..x_{i+ahead} exist. */
export function branchPositions(e: QsExample, ahead: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + ahead < e.ids.length; i++) if (e.mask[i + 1] === 1) out.push(i);
  return out;
}

/** The host part of one step's batch before thoughts are sampled. */
export interface QsPlan {
  /** Chosen examples, one per batch row. */
  readonly examples: readonly QsExample[];
  /** Branch position of each (row, position). // [B * P] */
  readonly branch: Int32Array;
  /** Base inputs. // [B * L] */
  readonly baseInputs: Int32Array<ArrayBuffer>;
  /** Base targets. // [B * L] */
  readonly baseTargets: Int32Array<ArrayBuffer>;
  /** Base weights, summing to 1. // [B * L] */
  readonly baseWeights: Float32Array<ArrayBuffer>;
  /** Thought RNG of the step. */
  readonly rng: Rng;
}

/** Plan step `step`: examples, branch positions and base arrays (seeded by seed and step). */
export function planStep(
  examples: readonly QsExample[],
  shape: QsShape,
  seed: number,
  step: number,
  pad: number,
): QsPlan {
  const rng = createRng(
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0,
  );
  const { batch: B, seq: L, positions: P, ahead } = shape;
  const chosen: QsExample[] = [];
  const branch = new Int32Array(B * P);
  const baseInputs = new Int32Array(B * L).fill(pad);
  const baseTargets = new Int32Array(B * L).fill(pad);
  const baseWeights = new Float32Array(B * L);
  let trained = 0;
  for (let b = 0; b < B; b++) {
    const e = examples[Math.floor(rng.uniform() * examples.length)]!;
    chosen.push(e);
    const valid = branchPositions(e, ahead);
    for (let p = 0; p < P; p++) {
      branch[b * P + p] = valid[Math.floor(rng.uniform() * valid.length)]!;
    }
    for (let i = 0; i + 1 < e.ids.length; i++) {
      baseInputs[b * L + i] = e.ids[i]!;
      baseTargets[b * L + i] = e.ids[i + 1]!;
      baseWeights[b * L + i] = e.mask[i + 1]!;
      trained += e.mask[i + 1]!;
    }
  }
  if (trained > 0) { for (let i = 0; i < baseWeights.length; i++) baseWeights[i]! /= trained; }
  return { examples: chosen, branch, baseInputs, baseTargets, baseWeights, rng };
}

/** Thought sequences of a plan with SOT placed: [R * S], and the example row of each. */
export function startThoughts(
  plan: QsPlan,
  shape: QsShape,
  tokens: QsTokens,
): Int32Array<ArrayBuffer> {
  const S = thoughtSeqLength(shape);
  const seqs = new Int32Array(thoughtRows(shape) * S).fill(tokens.pad); // [R, S]
  forEachRow(shape, (r, b, p) => {
    const e = plan.examples[b]!;
    const i = plan.branch[b * shape.positions + p]!;
    seqs.set(e.ids.subarray(0, i + 1), r * S);
    seqs[r * S + i + 1] = tokens.sot;
  });
  return seqs;
}

/** One-hot [R, 1, S] of the position whose logits give thought token q (0-based). */
export function thoughtStepSelect(
  plan: QsPlan,
  shape: QsShape,
  q: number,
): Float32Array<ArrayBuffer> {
  const S = thoughtSeqLength(shape);
  const sel = new Float32Array(thoughtRows(shape) * S);
  forEachRow(shape, (r, b, p) => {
    sel[r * S + plan.branch[b * shape.positions + p]! + 1 + q] = 1;
  });
  return sel;
}

/** The host arrays of the objective once the t thought tokens ([R * t]) are in `seqs`. */
export interface QsHostSelections {
  readonly selSot: Float32Array<ArrayBuffer>; // [R, 1, S]
  readonly selPost: Float32Array<ArrayBuffer>; // [R, m, S]
  readonly selThought: Float32Array<ArrayBuffer>; // [R, t, S]
  readonly selBase: Float32Array<ArrayBuffer>; // [B, P * K * m, L]
  readonly postTargets: Int32Array<ArrayBuffer>; // [R * m]
}

/** Close the thoughts (EOT, then the true continuation) and build the selections. */
export function finishThoughts(
  plan: QsPlan,
  shape: QsShape,
  tokens: QsTokens,
  seqs: Int32Array,
): QsHostSelections {
  const { seq: L, positions: P, k: K, t, ahead: m } = shape;
  const S = thoughtSeqLength(shape);
  const R = thoughtRows(shape);
  const selSot = new Float32Array(R * S);
  const selPost = new Float32Array(R * m * S);
  const selThought = new Float32Array(R * t * S);
  const selBase = new Float32Array(R * m * L);
  const postTargets = new Int32Array(R * m);
  forEachRow(shape, (r, b, p, k) => {
    const e = plan.examples[b]!;
    const i = plan.branch[b * P + p]!;
    seqs[r * S + i + t + 2] = tokens.eot;
    for (let j = 1; j < m; j++) seqs[r * S + i + t + 2 + j] = e.ids[i + j]!;
    selSot[r * S + i + 1] = 1;
    for (let q = 0; q < t; q++) selThought[(r * t + q) * S + i + 1 + q] = 1;
    for (let j = 0; j < m; j++) {
      selPost[(r * m + j) * S + i + t + 2 + j] = 1;
      postTargets[r * m + j] = e.ids[i + 1 + j]!;
      selBase[(b * P * K * m + (p * K + k) * m + j) * L + i + j] = 1;
    }
  });
  return { selSot, selPost, selThought, selBase, postTargets };
}

/** Visit thought rows r = ((b * P) + p) * K + k. */
function forEachRow(
  shape: QsShape,
  fn: (r: number, b: number, p: number, k: number) => void,
): void {
  const { batch: B, positions: P, k: K } = shape;
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < P; p++) for (let k = 0; k < K; k++) fn((b * P + p) * K + k, b, p, k);
  }
}
