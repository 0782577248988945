/**
 * The Llama trainer: owns the device parameters, AdamW state and compiled step, takes
 * seeded batches from a {@link BatchSource}, and converts to and from host checkpoints. It
 * uses no Deno API, so the same code trains under Deno (wasm) and in a browser (WebGPU).
 *
 * @module
 */
import { numpy as np, type OwnedFunction, tree } from "@jax-js/jax";
import type { F32Tensor } from "../safetensors.ts";
import type { LlamaWeights } from "../weights.ts";
import { type AdamWState, cosineLr, initAdamW } from "./adamw.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { TrainConfig, type TrainConfigInput } from "./config.ts";
import type { BatchSource } from "./data.ts";
import { initTrainWeights } from "./init.ts";
import {
  disposeTables,
  type ForwardTables,
  forwardTables,
  llamaLogits,
  toTrainParams,
  type TrainParams,
  trainParamsToWeights,
} from "./model.ts";
import { deviceBatch } from "./positions.ts";
import { makeTrainStep, type TrainStepFn } from "./step.ts";

/** What one step reports. */
export interface StepReport {
  /** 1-based index of the step just taken. */
  readonly step: number;
  /** Mean cross-entropy of the batch's trained tokens (nats). */
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Learning rate used. */
  readonly lr: number;
  /** Trained target tokens in the batch. */
  readonly tokens: number;
}

/** Host tensors to fresh device arrays. */
export function hostToDevice(host: ReadonlyMap<string, F32Tensor>): TrainParams {
  const out: TrainParams = {};
  for (const [name, t] of host) {
    out[name] = np.array(Float32Array.from(t.data), { shape: [...t.shape] });
  }
  return out;
}

/** Device arrays to host tensors (does not consume them). */
export async function deviceToHost(params: TrainParams): Promise<Map<string, F32Tensor>> {
  const out = new Map<string, F32Tensor>();
  for (const [name, p] of Object.entries(params)) {
    const shape = [...p.shape];
    out.set(name, { shape, data: Float32Array.from(await p.ref.data() as Float32Array) });
  }
  return out;
}

/** Stateful training loop of one run. */
export class LlamaTrainer {
  /** The run's validated settings. */
  readonly config: TrainConfig;
  readonly #source: BatchSource;
  readonly #stepFn: OwnedFunction<TrainStepFn>;
  readonly #tables: ForwardTables;
  #params: TrainParams;
  #state: AdamWState;
  #step: number;
  readonly #losses: number[];
  readonly #teacher: TrainParams;
  readonly #teacherTables: ForwardTables;

  private constructor(
    config: TrainConfig,
    source: BatchSource,
    params: TrainParams,
    state: AdamWState,
    step: number,
    losses: number[],
    teacher: LlamaWeights | undefined,
  ) {
    this.config = config;
    this.#source = source;
    this.#params = params;
    this.#state = state;
    this.#step = step;
    this.#losses = losses;
    const distill = config.distill;
    if ((distill === undefined) !== (teacher === undefined)) {
      throw new RangeError(
        `Cannot build the trainer as teacher weights must come with config.distill: current value is ${
          teacher === undefined ? "no teacher" : "no distill config"
        }`,
      );
    }
    this.#teacher = distill === undefined ? {} : toTrainParams(distill.teacher, teacher!);
    this.#stepFn = makeTrainStep(
      config.model,
      config.optimizer,
      config.gathered,
      distill === undefined ? { kind: "full" } : { kind: "distill", ...distill },
    );
    this.#tables = forwardTables(config.model, config.seq);
    this.#teacherTables = forwardTables(distill?.teacher ?? config.model, config.seq);
  }

  /**
   * Start a run from seeded initial weights (or `weights`); `teacher` (HF layout) is required
   * exactly when `config.distill` is set.
   *
   * @example
   * ```ts
   * const trainer = LlamaTrainer.create(config, source);
   * ```
   */
  static create(
    config: TrainConfigInput,
    source: BatchSource,
    weights?: LlamaWeights,
    teacher?: LlamaWeights,
  ): LlamaTrainer {
    const parsed = TrainConfig.parse(config);
    const params = toTrainParams(
      parsed.model,
      weights ?? initTrainWeights(parsed.model, parsed.seed),
    );
    return new LlamaTrainer(parsed, source, params, initAdamW(params), 0, [], teacher);
  }

  /**
   * Continue a run from a checkpoint; the next step is `checkpoint.state.step + 1`.
   *
   * @example
   * ```ts
   * const trainer = LlamaTrainer.resume(await loadCheckpoint(dir), source);
   * ```
   */
  static resume(
    checkpoint: Checkpoint,
    source: BatchSource,
    teacher?: LlamaWeights,
  ): LlamaTrainer {
    const { state } = checkpoint;
    const params = toTrainParams(state.config.model, checkpoint.weights);
    const adam: AdamWState = {
      t: np.array(new Float32Array([state.step]), { shape: [] }),
      m: hostToDevice(checkpoint.m),
      v: hostToDevice(checkpoint.v),
    };
    return new LlamaTrainer(
      state.config,
      source,
      params,
      adam,
      state.step,
      [...state.losses],
      teacher,
    );
  }

  /** Steps taken so far. */
  get step(): number {
    return this.#step;
  }

  /** Loss of every step taken so far. */
  get losses(): readonly number[] {
    return this.#losses;
  }

  /**
   * Take one step and read its loss back. Reading every step keeps jax-js 0.1.25 from
   * queueing work, which slows it down quadratically (client/lab/trainer.ts measured it).
   */
  async trainStep(): Promise<StepReport> {
    const batch = this.#source.batchAt(this.#step);
    const { batch: b, seq: t } = this.config;
    const lr = cosineLr(this.config.optimizer, this.#step, this.config.steps);
    const tables = this.#tables;
    const [params, state, loss, norm] = this.#stepFn(
      this.#params,
      this.#state,
      np.array(new Float32Array([lr]), { shape: [] }),
      deviceBatch(batch, b, t, this.config.gathered),
      { cos: tables.cos.ref, sin: tables.sin.ref, rot: tables.rot.ref, causal: tables.causal.ref },
      tree.ref(this.#teacher),
      tree.ref(this.#teacherTables),
    );
    this.#params = params;
    this.#state = state;
    this.#step++;
    const lossValue = (await loss.data())[0]!;
    const normValue = (await norm.data())[0]!;
    this.#losses.push(lossValue);
    return {
      step: this.#step,
      loss: lossValue,
      gradNorm: normValue,
      lr,
      tokens: batch.trainedTokens,
    };
  }

  /**
   * Logits of `tokens` ([rows, seq] int32 on the host) under the current weights.
   *
   * @example
   * ```ts
   * const logits = await trainer.logits(Int32Array.from([1, 2, 3]), 1); // [1 * 3 * vocab]
   * ```
   */
  async logits(tokens: Int32Array<ArrayBuffer>, rows: number): Promise<Float32Array> {
    const seq = tokens.length / rows;
    const tables = forwardTables(this.config.model, seq);
    const out = llamaLogits(
      this.config.model,
      tree.ref(this.#params),
      np.array(tokens, { shape: [rows, seq], dtype: np.int32 }),
      tables,
    ); // [rows * seq, vocab]
    const data = Float32Array.from(await out.data() as Float32Array);
    disposeTables(tables);
    return data;
  }

  /** Current weights in HF layout. */
  async weights(): Promise<LlamaWeights> {
    return await trainParamsToWeights(tree.ref(this.#params));
  }

  /** Everything needed to resume, on the host. */
  async checkpoint(): Promise<Checkpoint> {
    return {
      state: { version: 1, step: this.#step, config: this.config, losses: [...this.#losses] },
      weights: await this.weights(),
      m: await deviceToHost(this.#state.m),
      v: await deviceToHost(this.#state.v),
    };
  }

  /** Free parameters, optimizer state, tables and the compiled step. */
  dispose(): void {
    tree.dispose(this.#params);
    tree.dispose(this.#state);
    tree.dispose(this.#teacher);
    disposeTables(this.#tables);
    disposeTables(this.#teacherTables);
    this.#stepFn.dispose();
  }
}
