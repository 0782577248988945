/**
 * Training losses of the Llama model: next-token cross-entropy with the output head over
 * every position ("full") or only over the positions that carry loss ("gathered": each
 * row's scored hidden states are selected before the head, so the [N, vocab] head and
 * softmax shrink to [P, vocab]), and the distillation loss, a mix of cross-entropy and KL(teacher || student)
 * at the same positions.
 *
 * @module
 */
import { lax, nn, numpy as np } from "@jax-js/jax";
import type { LlamaConfig } from "../llama_config.ts";
import {
  type ForwardTables,
  llamaHidden,
  llamaLogits,
  type LoraForward,
  type TrainParams,
} from "./model.ts";

/** One batch on the device. */
export interface DeviceBatch {
  /** Input ids. // int32 [B, T] */
  readonly inputs: np.Array;
  /** Row-local indices of each row's scored positions; full head: 0..T-1. // int32 [B, R] */
  readonly positions: np.Array;
  /** Next-token target at each scored position. // int32 [P = B * R] */
  readonly targets: np.Array;
  /** Loss weight of each scored position, summing to 1 (0 on padding). // float32 [P] */
  readonly weights: np.Array;
}

/** Weighted sum of log p(target) over rows; consumes both. // [] */
function pickedLogProb(logp: np.Array, targets: np.Array, vocab: number): np.Array {
  const p = logp.shape[0]!;
  return logp.mul(nn.oneHot(targets.reshape([p]), vocab).astype(np.float32)).sum(-1); // [P]
}

/** Logits at the scored positions: [P, vocab]. Consumes params, lora and inputs/positions. */
export function scoredLogits(
  config: LlamaConfig,
  params: TrainParams,
  batch: Pick<DeviceBatch, "inputs" | "positions">,
  tables: ForwardTables,
  gathered: boolean,
  lora?: LoraForward,
): np.Array {
  if (!gathered) {
    batch.positions.dispose();
    return llamaLogits(config, params, batch.inputs, tables, lora); // [N, vocab]
  }
  const [b, t] = batch.inputs.shape as [number, number];
  const r = batch.positions.shape[1]!;
  const { hidden, head } = llamaHidden(config, params, batch.inputs, tables, lora);
  // A per-row one-hot selection: a matmul, whose gradient jit compiles (take's scatter does not).
  const select = nn.oneHot(batch.positions, t).astype(np.float32); // [B, R, T]
  const rows = np.matmul(select, hidden.reshape([b, t, -1])).reshape([b * r, -1]); // [P, hidden]
  return np.matmul(rows, head); // [P, vocab]
}

/**
 * Mean next-token cross-entropy over the scored positions. With `gathered` false the
 * positions must be 0..N-1 (every position, the full head). Consumes everything but `tables`.
 *
 * @example
 * ```ts
 * const loss = llamaLoss(config, tree.ref(params), batch, tables, true); // []
 * ```
 */
export function llamaLoss(
  config: LlamaConfig,
  params: TrainParams,
  batch: DeviceBatch,
  tables: ForwardTables,
  gathered: boolean,
  lora?: LoraForward,
): np.Array {
  const logits = scoredLogits(config, params, batch, tables, gathered, lora); // [P, vocab]
  const picked = pickedLogProb(nn.logSoftmax(logits, -1), batch.targets, config.vocab_size);
  return picked.mul(batch.weights).sum().neg();
}

/**
 * Distillation loss: (1 - kl) * cross-entropy + kl * KL(teacher || student), both weighted
 * over the scored positions; the teacher (with its own RoPE tables, as its head_dim may
 * differ) gets no gradient. Consumes everything but the tables.
 *
 * @example
 * ```ts
 * const loss = distillLoss(draft, p, target, t, batch, tables, teacherTables, true, 0.5);
 * ```
 */
export function distillLoss(
  config: LlamaConfig,
  params: TrainParams,
  teacherConfig: LlamaConfig,
  teacher: TrainParams,
  batch: DeviceBatch,
  tables: ForwardTables,
  teacherTables: ForwardTables,
  gathered: boolean,
  kl: number,
): np.Array {
  const teacherLogits = lax.stopGradient(scoredLogits(
    teacherConfig,
    teacher,
    { inputs: batch.inputs.ref, positions: batch.positions.ref },
    teacherTables,
    gathered,
  )); // [P, vocab]
  const logits = scoredLogits(config, params, batch, tables, gathered); // [P, vocab]
  const logq = nn.logSoftmax(logits, -1); // [P, vocab]
  const logp = nn.logSoftmax(teacherLogits, -1); // [P, vocab]
  const klRows = np.exp(logp.ref).mul(logp.sub(logq.ref)).sum(-1); // [P]
  const ce = pickedLogProb(logq, batch.targets, config.vocab_size).neg(); // [P]
  return ce.mul(1 - kl).add(klRows.mul(kl)).mul(batch.weights).sum();
}

/**
 * Weighted KL(teacher || student) over the scored positions (no gradient use); consumes
 * everything but the tables.
 *
 * @example
 * ```ts
 * const kl = klDivergence(draft, p, target, t, batch, tables, teacherTables, true); // []
 * ```
 */
export function klDivergence(
  config: LlamaConfig,
  params: TrainParams,
  teacherConfig: LlamaConfig,
  teacher: TrainParams,
  batch: DeviceBatch,
  tables: ForwardTables,
  teacherTables: ForwardTables,
  gathered: boolean,
): np.Array {
  const teacherLogits = scoredLogits(
    teacherConfig,
    teacher,
    { inputs: batch.inputs.ref, positions: batch.positions.ref },
    teacherTables,
    gathered,
  ); // [P, vocab]
  const logq = nn.logSoftmax(scoredLogits(config, params, batch, tables, gathered), -1);
  const logp = nn.logSoftmax(teacherLogits, -1); // [P, vocab]
  batch.targets.dispose();
  return np.exp(logp.ref).mul(logp.sub(logq)).sum(-1).mul(batch.weights).sum();
}
