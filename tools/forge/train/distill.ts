/**
 * Measuring distillation: the weighted KL(teacher || student) of the next-token
 * distributions at a batch's loss positions, on the host's weights (HF layout).
 *
 * @module
 */
import type { LlamaConfig } from "../llama_config.ts";
import type { LlamaWeights } from "../weights.ts";
import type { HostBatch } from "./data.ts";
import { klDivergence } from "./loss.ts";
import { disposeTables, forwardTables, toTrainParams } from "./model.ts";
import { deviceBatch } from "./positions.ts";

/** A model and its weights. */
export interface WeightedModel {
  readonly config: LlamaConfig;
  readonly weights: LlamaWeights;
}

/**
 * KL(teacher || student) in nats per trained token, weighted as the batch weights.
 *
 * @example
 * ```ts
 * const kl = await batchKl(draft, target, source.batchAt(0), 8, 128);
 * ```
 */
export async function batchKl(
  student: WeightedModel,
  teacher: WeightedModel,
  batch: HostBatch,
  rows: number,
  seq: number,
): Promise<number> {
  const tables = forwardTables(student.config, seq);
  const teacherTables = forwardTables(teacher.config, seq);
  const value = klDivergence(
    student.config,
    toTrainParams(student.config, student.weights),
    teacher.config,
    toTrainParams(teacher.config, teacher.weights),
    deviceBatch(batch, rows, seq, true),
    tables,
    teacherTables,
    true,
  );
  const kl = (await value.data())[0]!;
  disposeTables(tables);
  disposeTables(teacherTables);
  return kl;
}
