/**
 * LoRA training on jax-js: the base model's weights are frozen (passed to every step, never
 * updated), only the factors A [in, r] and B [r, out] of the selected projections train,
 * with y = x W + (lora_alpha / r) * (x A) B. Checkpoints hold the factors, their AdamW
 * moments and the run state, so an interrupted run resumes bit for bit.
 *
 * @module
 */
import { numpy as np, type OwnedFunction, tree } from "@jax-js/jax";
import { z } from "zod";
import type { ForgedLoraAdapter } from "../lora_adapter.ts";
import { type F32Tensor, readSafetensors, writeSafetensors } from "../safetensors.ts";
import type { LlamaWeights } from "../weights.ts";
import { type AdamWState, cosineLr, initAdamW } from "./adamw.ts";
import { TrainConfig } from "./config.ts";
import type { BatchSource } from "./data.ts";
import { initLoraHost, LoraSettings, toPeftAdapter } from "./lora_params.ts";
import {
  disposeTables,
  type ForwardTables,
  forwardTables,
  llamaLogits,
  toTrainParams,
} from "./model.ts";
import type { TrainParams } from "./model.ts";
import { deviceBatch } from "./positions.ts";
import { makeTrainStep, type TrainStepFn } from "./step.ts";
import { deviceToHost, hostToDevice, type StepReport } from "./trainer.ts";

/** A LoRA run's settings: the base model's run settings plus the adapter's. */
export const LoraTrainConfig = TrainConfig.extend({ lora: LoraSettings });
/** A LoRA run's settings. */
export type LoraTrainConfig = z.infer<typeof LoraTrainConfig>;
/** A LoRA run's settings before defaults. */
export type LoraTrainConfigInput = z.input<typeof LoraTrainConfig>;

const LoraState = z.object({
  version: z.literal(1),
  step: z.number().int().nonnegative(),
  config: LoraTrainConfig,
  losses: z.array(z.number()),
});

/** Stateful LoRA training loop over a frozen base. */
export class LoraTrainer {
  /** The run's validated settings. */
  readonly config: LoraTrainConfig;
  readonly #source: BatchSource;
  readonly #stepFn: OwnedFunction<TrainStepFn>;
  readonly #tables: ForwardTables;
  readonly #base: TrainParams;
  #params: TrainParams;
  #state: AdamWState;
  #step: number;
  readonly #losses: number[];

  private constructor(
    config: LoraTrainConfig,
    source: BatchSource,
    base: LlamaWeights,
    params: TrainParams,
    state: AdamWState,
    step: number,
    losses: number[],
  ) {
    this.config = config;
    this.#source = source;
    this.#base = toTrainParams(config.model, base);
    this.#params = params;
    this.#state = state;
    this.#step = step;
    this.#losses = losses;
    const scaling = config.lora.lora_alpha / config.lora.r;
    this.#stepFn = makeTrainStep(config.model, config.optimizer, config.gathered, {
      kind: "lora",
      scaling,
    });
    this.#tables = forwardTables(config.model, config.seq);
  }

  /**
   * Start a LoRA run over `base` (HF layout); A is seeded with `config.seed`, B is zero.
   *
   * @example
   * ```ts
   * const trainer = LoraTrainer.create({ ...run, lora: { r: 8, lora_alpha: 16, target_modules: ["q_proj"] } }, source, base);
   * ```
   */
  static create(config: LoraTrainConfigInput, source: BatchSource, base: LlamaWeights) {
    const parsed = LoraTrainConfig.parse(config);
    const params = hostToDevice(initLoraHost(parsed.model, parsed.lora, parsed.seed));
    return new LoraTrainer(parsed, source, base, params, initAdamW(params), 0, []);
  }

  /**
   * Continue a run saved by {@link LoraTrainer.save}.
   *
   * @example
   * ```ts
   * const trainer = await LoraTrainer.load("runs/terse/checkpoint", source, base);
   * ```
   */
  static async load(dir: string, source: BatchSource, base: LlamaWeights): Promise<LoraTrainer> {
    const parsed = LoraState.safeParse(JSON.parse(await Deno.readTextFile(`${dir}/state.json`)));
    if (!parsed.success) {
      throw new SyntaxError(
        `Cannot resume the LoRA run from '${dir}' as state.json is invalid: current value fails with ${
          parsed.error.issues[0]?.message
        }`,
      );
    }
    const state = parsed.data;
    const saved = readSafetensors(await Deno.readFile(`${dir}/lora.safetensors`));
    const part = (prefix: string) =>
      new Map(
        [...saved].filter(([k]) => k.startsWith(prefix)).map((
          [k, t],
        ) => [k.slice(prefix.length), t]),
      );
    const adam: AdamWState = {
      t: np.array(new Float32Array([state.step]), { shape: [] }),
      m: hostToDevice(part("m.")),
      v: hostToDevice(part("v.")),
    };
    const params = hostToDevice(part("p."));
    return new LoraTrainer(state.config, source, base, params, adam, state.step, [
      ...state.losses,
    ]);
  }

  /** Steps taken so far. */
  get step(): number {
    return this.#step;
  }

  /** Loss of every step taken so far. */
  get losses(): readonly number[] {
    return this.#losses;
  }

  /** Take one step (base frozen) and read its loss back. */
  async trainStep(): Promise<StepReport> {
    const batch = this.#source.batchAt(this.#step);
    const lr = cosineLr(this.config.optimizer, this.#step, this.config.steps);
    const t = this.#tables;
    const [params, state, loss, norm] = this.#stepFn(
      this.#params,
      this.#state,
      np.array(new Float32Array([lr]), { shape: [] }),
      deviceBatch(batch, this.config.batch, this.config.seq, this.config.gathered),
      { cos: t.cos.ref, sin: t.sin.ref, rot: t.rot.ref, causal: t.causal.ref },
      tree.ref(this.#base),
      { cos: t.cos.ref, sin: t.sin.ref, rot: t.rot.ref, causal: t.causal.ref },
    );
    this.#params = params;
    this.#state = state;
    this.#step++;
    const lossValue = (await loss.data())[0]!;
    const gradNorm = (await norm.data())[0]!;
    this.#losses.push(lossValue);
    return { step: this.#step, loss: lossValue, gradNorm, lr, tokens: batch.trainedTokens };
  }

  /**
   * Logits of `tokens` ([rows, seq] int32) under base + adapter: [rows * seq * vocab].
   *
   * @example
   * ```ts
   * const logits = await trainer.logits(Int32Array.from([1, 2, 3]), 1);
   * ```
   */
  async logits(tokens: Int32Array<ArrayBuffer>, rows: number): Promise<Float32Array> {
    const seq = tokens.length / rows;
    const tables = forwardTables(this.config.model, seq);
    const scaling = this.config.lora.lora_alpha / this.config.lora.r;
    const out = llamaLogits(
      this.config.model,
      tree.ref(this.#base),
      np.array(tokens, { shape: [rows, seq], dtype: np.int32 }),
      tables,
      { scaling, params: tree.ref(this.#params) },
    ); // [rows * seq, vocab]
    const data = Float32Array.from(await out.data() as Float32Array);
    disposeTables(tables);
    return data;
  }

  /** The factors on the host, trainer layout (`${module}.A` [in, r], `${module}.B` [r, out]). */
  async factors(): Promise<Map<string, F32Tensor>> {
    return await deviceToHost(this.#params);
  }

  /** The factors as a PEFT adapter named `name`. */
  async adapter(name: string): Promise<ForgedLoraAdapter> {
    return toPeftAdapter(name, this.config.model, this.config.lora, await this.factors());
  }

  /** The frozen base weights as the device holds them (trainer layout), for checks. */
  async baseHost(): Promise<Map<string, F32Tensor>> {
    return await deviceToHost(this.#base);
  }

  /** Write factors, moments (one safetensors file) and state.json into `dir`. */
  async save(dir: string): Promise<void> {
    await Deno.mkdir(dir, { recursive: true });
    const all = new Map<string, F32Tensor>();
    for (const [k, t] of await deviceToHost(this.#params)) all.set(`p.${k}`, t);
    for (const [k, t] of await deviceToHost(this.#state.m)) all.set(`m.${k}`, t);
    for (const [k, t] of await deviceToHost(this.#state.v)) all.set(`v.${k}`, t);
    await Deno.writeFile(`${dir}/lora.safetensors`, writeSafetensors(all, { format: "pt" }));
    const state = { version: 1, step: this.#step, config: this.config, losses: this.#losses };
    await Deno.writeTextFile(`${dir}/state.json`, `${JSON.stringify(state)}\n`);
  }

  /** Free everything on the device. */
  dispose(): void {
    tree.dispose(this.#params);
    tree.dispose(this.#state);
    tree.dispose(this.#base);
    disposeTables(this.#tables);
    this.#stepFn.dispose();
  }
}
