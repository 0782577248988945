/**
 * The Quiet-STaR trainer: a trained base model plus a mixing head on the device, one step =
 * plan (examples, branch positions), sample K thoughts of t tokens per position at T = 1 with
 * the markers masked (t compiled forward passes, sampling on the host from a seeded stream),
 * then the compiled objective + AdamW step. Checkpoints resume bit for bit.
 *
 * @module
 */
import { numpy as np, type OwnedFunction, tree } from "@jax-js/jax";
import type { F32Tensor } from "../../safetensors.ts";
import type { LlamaWeights } from "../../weights.ts";
import { type AdamWState, cosineLr, initAdamW } from "../adamw.ts";
import {
  disposeTables,
  type ForwardTables,
  forwardTables,
  toTrainParams,
  type TrainParams,
  trainParamsToWeights,
} from "../model.ts";
import { deviceToHost, hostToDevice } from "../trainer.ts";
import { isHeadParam } from "./mixing_head.ts";
import { type QsShape, splitParams, thoughtRows, thoughtSeqLength } from "./objective.ts";
import { makeNextLogits, makeQsStep, type NextLogitsFn, type QsStepFn } from "./qs_step.ts";
import {
  type QsCheckpoint,
  QsSettings,
  type QsSettingsInput,
  type QsStepStats,
} from "./qs_settings.ts";
import {
  finishThoughts,
  planStep,
  type QsExample,
  startThoughts,
  thoughtStepSelect,
} from "./thought_data.ts";
import type { Rng } from "../../rng.ts";

/** Draw from softmax(logits) at T = 1, never a banned id. */
export function sampleToken(logits: Float32Array, rng: Rng, banned: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (!banned.includes(i) && logits[i]! > max) max = logits[i]!;
  }
  const p = new Float64Array(logits.length); // [V]
  let z = 0;
  for (let i = 0; i < logits.length; i++) {
    p[i] = banned.includes(i) ? 0 : Math.exp(logits[i]! - max);
    z += p[i]!;
  }
  let u = rng.uniform() * z;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    last = i;
    u -= p[i]!;
    if (u < 0) return i;
  }
  return last;
}

const i32 = (a: Int32Array<ArrayBuffer>, shape: number[]) =>
  np.array(a, { shape, dtype: np.int32 });
const f32 = (a: Float32Array<ArrayBuffer>, shape: number[]) => np.array(a, { shape });

/** Stateful Quiet-STaR run (see the module doc). */
export class QsTrainer {
  /** Validated settings. */
  readonly settings: QsSettings;
  readonly shape: QsShape;
  readonly #examples: readonly QsExample[];
  readonly #next: OwnedFunction<NextLogitsFn>;
  readonly #step: OwnedFunction<QsStepFn>;
  readonly #baseTables: ForwardTables;
  readonly #thoughtTables: ForwardTables;
  #params: TrainParams;
  #state: { base: AdamWState; head: AdamWState };
  #steps: number;
  readonly #history: QsStepStats[];

  private constructor(
    settings: QsSettings,
    examples: readonly QsExample[],
    params: TrainParams,
    state: { base: AdamWState; head: AdamWState },
    steps: number,
    history: QsStepStats[],
  ) {
    if (examples.length === 0) {
      throw new RangeError(
        "Cannot train Quiet-STaR as no example fits: current value is 0 examples",
      );
    }
    this.settings = settings;
    const { batch, seq, positions, k, t, ahead } = settings;
    this.shape = { batch, seq, positions, k, t, ahead };
    this.#examples = examples;
    this.#params = params;
    this.#state = state;
    this.#steps = steps;
    this.#history = history;
    this.#next = makeNextLogits(settings.model);
    this.#step = makeQsStep(settings.model, this.shape, settings.optimizer);
    this.#baseTables = forwardTables(settings.model, seq);
    this.#thoughtTables = forwardTables(settings.model, thoughtSeqLength(this.shape));
  }

  /** Start from base weights (HF layout) and a fresh head (trainer layout). */
  static create(
    settings: QsSettingsInput,
    examples: readonly QsExample[],
    weights: LlamaWeights,
    head: ReadonlyMap<string, F32Tensor>,
  ): QsTrainer {
    const s = QsSettings.parse(settings);
    const params = { ...toTrainParams(s.model, weights), ...hostToDevice(head) };
    const { base, head: h } = splitParams(params);
    return new QsTrainer(s, examples, params, { base: initAdamW(base), head: initAdamW(h) }, 0, []);
  }

  /** Continue from a checkpoint. */
  static resume(c: QsCheckpoint, examples: readonly QsExample[]): QsTrainer {
    const s = c.state.settings;
    const params = { ...toTrainParams(s.model, c.weights), ...hostToDevice(c.head) };
    const group = (head: boolean): AdamWState => {
      const m = new Map<string, F32Tensor>();
      const v = new Map<string, F32Tensor>();
      for (const [name, t] of c.moments) {
        const n = name.slice(2);
        if (isHeadParam(n) !== head) continue;
        (name.startsWith("m.") ? m : v).set(n, t);
      }
      const t = np.array(new Float32Array([c.state.step]), { shape: [] });
      return { t, m: hostToDevice(m), v: hostToDevice(v) };
    };
    const state = { base: group(false), head: group(true) };
    return new QsTrainer(s, examples, params, state, c.state.step, [...c.state.history]);
  }

  /** Steps taken. */
  get step(): number {
    return this.#steps;
  }

  /** Statistics of every step taken. */
  get history(): readonly QsStepStats[] {
    return this.#history;
  }

  /** Sample thoughts for step `step`'s plan and return the finished device batch. */
  async #batch(step: number) {
    const { shape } = this;
    const tokens = this.settings.tokens;
    const plan = planStep(this.#examples, shape, this.settings.seed, step, tokens.pad);
    const R = thoughtRows(shape);
    const S = thoughtSeqLength(shape);
    const V = this.settings.model.vocab_size;
    const seqs = startThoughts(plan, shape, tokens); // [R * S]
    const thoughtIds = new Int32Array(R * shape.t); // [R * t]
    for (let q = 0; q < shape.t; q++) {
      const tb = this.#thoughtTables;
      const logits = this.#next(
        tree.ref(splitParams(this.#params).base),
        i32(Int32Array.from(seqs), [R, S]),
        f32(thoughtStepSelect(plan, shape, q), [R, 1, S]),
        { cos: tb.cos.ref, sin: tb.sin.ref, rot: tb.rot.ref, causal: tb.causal.ref },
      );
      const host = await logits.data() as Float32Array; // [R * V]
      for (let r = 0; r < R; r++) {
        const id = sampleToken(host.subarray(r * V, (r + 1) * V), plan.rng, [
          tokens.sot,
          tokens.eot,
        ]);
        thoughtIds[r * shape.t + q] = id;
        seqs[r * S + plan.branch[Math.floor(r / shape.k)]! + 2 + q] = id;
      }
    }
    const sel = finishThoughts(plan, shape, tokens, seqs);
    const { batch: B, seq: L, positions: P, k: K, t, ahead: m } = shape;
    const mask = new Float32Array(V);
    mask[tokens.sot] = -1e9;
    mask[tokens.eot] = -1e9;
    return {
      baseInputs: i32(plan.baseInputs, [B, L]),
      baseTargets: i32(plan.baseTargets, [B * L]),
      baseWeights: f32(plan.baseWeights, [B * L]),
      thoughtInputs: i32(Int32Array.from(seqs), [R, S]),
      selSot: f32(sel.selSot, [R, 1, S]),
      selPost: f32(sel.selPost, [R, m, S]),
      selThought: f32(sel.selThought, [R, t, S]),
      thoughtIds: i32(thoughtIds, [R * t]),
      selBase: f32(sel.selBase, [B, P * K * m, L]),
      postTargets: i32(sel.postTargets, [R * m]),
      markerMask: f32(mask, [V]),
    };
  }

  /** Take one step; returns its statistics. */
  async trainStep(): Promise<QsStepStats & { step: number; lr: number }> {
    const batch = await this.#batch(this.#steps);
    const lr = cosineLr(this.settings.optimizer, this.#steps, this.settings.steps);
    const headLr = (lr * this.settings.headLr) / this.settings.optimizer.lr;
    const ref = (t: ForwardTables) => ({
      cos: t.cos.ref,
      sin: t.sin.ref,
      rot: t.rot.ref,
      causal: t.causal.ref,
    });
    const [params, state, loss, stats, norm] = this.#step(
      this.#params,
      this.#state,
      np.array(new Float32Array([lr]), { shape: [] }),
      np.array(new Float32Array([headLr]), { shape: [] }),
      batch,
      ref(this.#baseTables),
      ref(this.#thoughtTables),
    );
    this.#params = params;
    this.#state = state;
    this.#steps++;
    const l = (await loss.data())[0]!;
    const s = await stats.data() as Float32Array;
    norm.dispose();
    const out = {
      loss: l,
      baseNll: s[0]!,
      mixedNll: s[1]!,
      reinforce: s[2]!,
      meanW: s[3]!,
      gain: s[4]!,
    };
    this.#history.push(out);
    return { ...out, step: this.#steps, lr };
  }

  /** Base weights (HF layout) and head (trainer layout) on the host. */
  async weights(): Promise<{ weights: LlamaWeights; head: Map<string, F32Tensor> }> {
    const { base, head } = splitParams(this.#params);
    return { weights: await trainParamsToWeights(tree.ref(base)), head: await deviceToHost(head) };
  }

  /** Everything needed to resume. */
  async checkpoint(): Promise<QsCheckpoint> {
    const { weights, head } = await this.weights();
    const moments = new Map<string, F32Tensor>();
    for (const g of [this.#state.base, this.#state.head]) {
      for (const [n, t] of await deviceToHost(g.m)) moments.set(`m.${n}`, t);
      for (const [n, t] of await deviceToHost(g.v)) moments.set(`v.${n}`, t);
    }
    return {
      state: {
        version: 1,
        kind: "quiet_star",
        step: this.#steps,
        settings: this.settings,
        history: [...this.#history],
      },
      weights,
      head,
      moments,
    };
  }

  /** Free everything on the device. */
  dispose(): void {
    tree.dispose(this.#params);
    tree.dispose(this.#state);
    disposeTables(this.#baseTables);
    disposeTables(this.#thoughtTables);
    this.#next.dispose();
    this.#step.dispose();
  }
}
